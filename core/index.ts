export * from './errors.js';
export * from './logger.js';
export * from './atomic-write.js';
export * from './random.js';
export * from './state-tensor.js';
export * from './json-file.js';
