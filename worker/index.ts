export * from './worker-agent.js';
export * from './worker-config.js';
export * from './gpu-detect.js';
export * from './actors/actor-class.js';
export { registerActorClass, actorClass, actorClassNames } from './actors/registry.js';
export { ScratchDirs, SCRATCH_PREFIX } from './scratch-dirs.js';
export { canHandOffTo, writeHandoff, takeHandoff, dropHandoff } from './actors/batch-handoff.js';
export { takeBatch, dropBatch, type LoaderReply, type LoaderBatchRequest } from './actors/loader-actor.js';
