export * from './random-resized-crop.js';
export * from './gray-ops.js';
export * from './gray-views.js';
export * from './rgb-ops.js';
export * from './rgb-views.js';
export * from './native-augment.js';
