export * from './flat-params.js';
export * from './optimizer.js';
export * from './lars.js';
export * from './sgd.js';
export * from './adamw.js';
export * from './native-optim.js';
export * from './schedules.js';
