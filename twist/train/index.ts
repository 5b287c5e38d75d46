export * from './train-config.js';
export * from './local-trainer.js';
export * from './weights-file.js';
export * from './model-for-config.js';
