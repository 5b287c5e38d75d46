export * from './idx.js';
export * from './mnist-format.js';
export * from './sampler.js';
export * from './distributed-sampler.js';
export * from './dataset.js';
export * from './synthetic-dataset.js';
export * from './image-folder.js';
