export * from './resnet.js';
export * from './projection-head.js';
export * from './twist-model.js';
export * from './vit.js';
