export * from './ring-plan.js';
export * from './collective-server.js';
export * from './communicator.js';
export * from './buckets.js';
export * from './collective-thread.js';
export { TICKET_BYTES } from './data-plane.js';
export * from './native-ring.js';
