export * from './train-config.js';
export * from './train-state.js';
export * from './local-trainer.js';
export * from './model-for-config.js';
export * from './recipes.js';
export * from './train-views.js';
export * from './chunked-backbone.js';
