export * from './cluster-client.js';
export * from './actor-handle.js';
