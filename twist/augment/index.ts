export * from './random-resized-crop.js';
export * from './gray-ops.js';
export * from './gray-views.js';
