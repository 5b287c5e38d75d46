export * from './cluster-client.js';
export * from './actor-handle.js';
export * from './distributed-run.js';
