export * from './worker-agent.js';
export * from './worker-config.js';
export * from './gpu-detect.js';
export * from './actors/actor-class.js';
export { registerActorClass, actorClass, actorClassNames } from './actors/registry.js';
