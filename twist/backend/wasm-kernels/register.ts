import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc } from '@tensorflow/tfjs-core';
import { batchMatMulKernel } from './batch-matmul.js';
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputKernel } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilterKernel, depthwiseBackpropInputKernel } from './depthwise-conv2d-backprop.js';
import { maxPoolGradKernel } from './max-pool-grad.js';
import { unsortedSegmentSumKernel } from './unsorted-segment-sum.js';

/** The kernels {@link registerWasmTrainingKernels} adds or replaces on the wasm backend. */
export const WASM_TRAINING_KERNELS = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'UnsortedSegmentSum',
  'BatchMatMul',
  'MaxPoolGrad',
] as const;

const registered = new Set<string>();

function replaceKernel(
  kernelName: string,
  backendName: string,
  make: (original?: KernelFunc) => KernelFunc,
): void {
  const existing = tf.getKernel(kernelName, backendName);
  if (existing) tf.unregisterKernel(kernelName, backendName);
  // Keep the original setup (wasm kernels bind their C++ entry points in it) for the wrapper.
  const setupFunc = existing?.setupFunc;
  tf.registerKernel({
    kernelName,
    backendName,
    kernelFunc: make(existing?.kernelFunc),
    ...(setupFunc ? { setupFunc } : {}),
  });
}

/**
 * Registers the project's training kernels for tfjs's wasm backend: the gradient kernels it lacks
 * (Conv2DBackpropFilter, the depthwise backprops, UnsortedSegmentSum) and fast replacements for the
 * slow ones (Conv2DBackpropInput, transposed BatchMatMul) and a correct MaxPoolGrad, all built on the backend's XNNPACK kernels.
 * Idempotent. Call after `@tensorflow/tfjs-backend-wasm` is imported, before training.
 */
export function registerWasmTrainingKernels(backendName = 'wasm'): void {
  if (registered.has(backendName)) return;
  replaceKernel('Conv2DBackpropFilter', backendName, () => conv2dBackpropFilterKernel(backendName));
  replaceKernel('Conv2DBackpropInput', backendName, () => conv2dBackpropInputKernel(backendName));
  replaceKernel('DepthwiseConv2dNativeBackpropFilter', backendName, () =>
    depthwiseBackpropFilterKernel(backendName),
  );
  replaceKernel('DepthwiseConv2dNativeBackpropInput', backendName, () =>
    depthwiseBackpropInputKernel(backendName),
  );
  replaceKernel('UnsortedSegmentSum', backendName, () => unsortedSegmentSumKernel());
  replaceKernel('MaxPoolGrad', backendName, () => maxPoolGradKernel());
  replaceKernel('BatchMatMul', backendName, (original) => {
    if (!original) throw new Error(`backend ${backendName} has no BatchMatMul kernel to wrap`);
    return batchMatMulKernel(backendName, original);
  });
  registered.add(backendName);
}
