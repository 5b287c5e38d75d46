export * from './idx.js';
export * from './mnist-format.js';
export * from './sampler.js';
