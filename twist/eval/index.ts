export * from './hungarian.js';
export * from './cluster-metrics.js';
export * from './knn.js';
