export * from './torch-layout.js';
export * from './safetensors.js';
export * from './export-torchvision.js';
