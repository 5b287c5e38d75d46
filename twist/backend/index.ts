export {
  selectBackend,
  activeBackend,
  shutdownBackend,
  parseBackendName,
  BACKEND_NAMES,
} from './select-backend.js';
export type { BackendName, BackendOptions, BackendInfo } from './select-backend.js';
export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './wasm-kernels/register.js';
export { probeBackends } from './probe-backends.js';
export type { BackendProbe } from './probe-backends.js';
