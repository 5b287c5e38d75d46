export * from './param-store.js';
export * from './batch-norm.js';
export * from './layers.js';
export * from './init.js';
export * from './replica-sum.js';
export * from './deferred-work.js';
