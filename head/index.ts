export * from './head.js';
export * from './head-config.js';
export * from './records.js';
export { ClusterManager, type ClusterSnapshot } from './cluster-manager.js';
export * from './scheduler.js';
export * from './service-discovery.js';
export * from './prometheus-series.js';
