import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle registers no gradients; the umbrella package's bundle registers them all
// (and the chained ops) into the same tfjs-core instance.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import * as tfwasm from '@tensorflow/tfjs-backend-wasm';
import { BackendUnavailableError, InvalidArgumentError } from '../../core/index.js';
import { registerWasmTrainingKernels } from './wasm-kernels/register.js';
import { withNodeWasmThreads } from './wasm-threads.js';
import { blasName } from './torch/blas-name.js';
import { loadTorchAddon } from './torch/torch-addon.js';
import { TorchBackend } from './torch/torch-backend.js';
import { registerTorchKernels } from './torch/torch-kernels.js';

/** Compute backends in the order {@link selectBackend} tries them. */
export const BACKEND_NAMES = ['torch', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendOptions {
  /** A backend to force, or `auto` (default: `TWIST_BACKEND`, else `auto`). */
  name?: BackendName | 'auto' | undefined;
  /**
   * Compute threads: wasm's thread pool, or ATen's intra-op pool on `torch` (default:
   * `TWIST_WASM_THREADS`, else the number of logical cores).
   */
  threads?: number | undefined;
}

export interface BackendInfo {
  name: BackendName;
  /** What actually provides it, e.g. `@tensorflow/tfjs-node-gpu` or `wasm threaded-simd`. */
  detail: string;
  threads: number;
}

let active: BackendInfo | undefined;

/** Parses a backend name from a flag or the environment. @throws InvalidArgumentError on an unknown name. */
export function parseBackendName(value: string, source: string): BackendName | 'auto' {
  if (value === 'auto' || (BACKEND_NAMES as readonly string[]).includes(value))
    return value as BackendName | 'auto';
  throw new InvalidArgumentError(
    `${source}: unknown backend '${value}' (expected auto, ${BACKEND_NAMES.join(', ')})`,
  );
}

async function loadTensorflow(): Promise<string> {
  const errors: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
    } catch (err) {
      errors.push(`${pkg}: ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    if (!tf.findBackend('tensorflow')) {
      errors.push(
        `${pkg} loaded but registered no 'tensorflow' backend in this tfjs-core (a second copy of tfjs-core?)`,
      );
      continue;
    }
    if (!(await tf.setBackend('tensorflow'))) {
      errors.push(`${pkg}: the tensorflow backend failed to initialise`);
      continue;
    }
    return pkg;
  }
  throw new BackendUnavailableError(`the tensorflow backend is unavailable: ${errors.join('; ')}`);
}

/** The torch backend's settings from the environment, parsed before any backend is tried. */
interface TorchEnv {
  /** TWIST_TORCH_CACHE_BYTES (default a quarter of the machine's memory). */
  cacheBytes: number;
  /** TWIST_TORCH_TF32=1 (default off). */
  tf32: boolean;
}

/**
 * Reads TWIST_TORCH_CACHE_BYTES (freed CPU blocks are kept for reuse up to this many bytes; default a
 * quarter of the machine's memory: fresh pages cost a fault each, which dominated a step) and
 * TWIST_TORCH_TF32 (`1` lets CUDA's convolutions and matrix products round to TF32; default `0`).
 * @throws InvalidArgumentError naming the variable and its value when one is malformed.
 */
function torchEnv(): TorchEnv {
  const envCache = process.env['TWIST_TORCH_CACHE_BYTES'];
  const cacheBytes = envCache !== undefined ? Number(envCache) : Math.floor(os.totalmem() / 4);
  if (!Number.isFinite(cacheBytes) || cacheBytes < 0) {
    throw new InvalidArgumentError(`TWIST_TORCH_CACHE_BYTES must be a byte count, got '${envCache}'`);
  }
  const envTf32 = process.env['TWIST_TORCH_TF32'];
  if (envTf32 !== undefined && envTf32 !== '0' && envTf32 !== '1') {
    throw new InvalidArgumentError(`TWIST_TORCH_TF32 must be 0 or 1, got '${envTf32}'`);
  }
  return { cacheBytes, tf32: envTf32 === '1' };
}

/**
 * Loads the native libtorch backend: CUDA when the addon's libtorch is a CUDA build and a GPU is
 * visible (`CUDA_VISIBLE_DEVICES` honoured: device 0 of those), else CPU with `threads` ATen threads.
 * On CUDA, float32 stays float32 unless `env.tf32` (faster on large layers, ~1e-3 relative error).
 */
async function loadTorch(threads: number, env: TorchEnv): Promise<{ detail: string; threads: number }> {
  const addon = loadTorchAddon();
  let info = addon.init('cpu', threads, env.cacheBytes);
  if (info.cuda) info = addon.init('cuda', threads, env.cacheBytes, env.tf32);
  registerTorchKernels();
  if (!tf.findBackend('torch')) tf.registerBackend('torch', () => new TorchBackend(addon), 3);
  if (!(await tf.setBackend('torch')))
    throw new BackendUnavailableError('the torch backend failed to initialise');
  const where = info.device.startsWith('cuda')
    ? `CUDA (${info.device}, TF32 ${info.tf32 ? 'on' : 'off'})`
    : `CPU, ${info.threads} ATen threads${blasPart(info.blas, info.blasThreads)}`;
  return { detail: `libtorch ${addon.torchVersion}, ${where}`, threads: info.threads };
}

/** The BLAS part of a CPU torch backend's detail: ', 1 OpenBLAS threads', or the advice for a slow one. */
function blasPart(blas: string, threads: number): string {
  if (blas === '') return '';
  return threads > 0 ? `, ${threads} ${blasName(blas)} threads` : `, ${blasName(blas)}`;
}

async function loadWasm(threads: number): Promise<string> {
  registerWasmTrainingKernels('wasm');
  const init = async (): Promise<boolean> => tf.setBackend('wasm');
  let ok: boolean;
  try {
    if (threads > 1) {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
      tfwasm.setThreadsCount(threads);
      ok = await withNodeWasmThreads(threads, init);
    } else {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      ok = await init();
    }
  } catch (err) {
    throw new BackendUnavailableError(`the wasm backend failed to initialise: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (!ok) throw new BackendUnavailableError('the wasm backend failed to initialise');
  const got = tfwasm.getThreadsCount();
  return got > 1 ? `wasm threaded-simd, ${got} threads` : 'wasm simd, 1 thread';
}

/**
 * Picks and initialises the compute backend: `torch` (the native libtorch addon) if it was built,
 * else `tensorflow` (tfjs-node-gpu, then tfjs-node) if it loads, else `wasm` with the project's training kernels, else `cpu`. A forced backend (option or
 * `TWIST_BACKEND`) that cannot load is an error, never a silent fallback. Calling it again returns the
 * backend already chosen; asking for a different one then is an error (tfjs holds one per process).
 * @throws BackendUnavailableError when a forced backend cannot load.
 * @throws InvalidArgumentError on an unknown name, a bad thread count, or a malformed
 * TWIST_TORCH_CACHE_BYTES or TWIST_TORCH_TF32.
 */
export async function selectBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  const envName = process.env['TWIST_BACKEND'];
  const name = options.name ?? (envName ? parseBackendName(envName, 'TWIST_BACKEND') : 'auto');
  const envThreads = process.env['TWIST_WASM_THREADS'];
  const threads = options.threads ?? (envThreads ? Number(envThreads) : os.availableParallelism());
  if (!Number.isInteger(threads) || threads < 1) {
    throw new InvalidArgumentError(`wasm threads must be a positive integer, got ${String(threads)}`);
  }
  if (active) {
    if (name !== 'auto' && name !== active.name) {
      throw new InvalidArgumentError(
        `backend ${active.name} is already initialised in this process; cannot switch to ${name}`,
      );
    }
    return active;
  }
  // Production mode: no debug checks, and no console banner from tfjs-backend-cpu on first use.
  tf.env().set('PROD', true);
  const candidates: BackendName[] = name === 'auto' ? [...BACKEND_NAMES] : [name];
  // malformed settings are an error even where 'auto' would go on to another backend
  const torchSettings = candidates.includes('torch') ? torchEnv() : undefined;
  const failures: string[] = [];
  for (const candidate of candidates) {
    try {
      let detail: string;
      let used = 1;
      if (candidate === 'torch') {
        const t = await loadTorch(threads, torchSettings!);
        detail = t.detail;
        used = t.threads;
      } else if (candidate === 'tensorflow') detail = await loadTensorflow();
      else if (candidate === 'wasm') {
        detail = await loadWasm(threads);
        used = tfwasm.getThreadsCount();
      } else {
        if (!(await tf.setBackend('cpu')))
          throw new BackendUnavailableError('the cpu backend failed to initialise');
        detail = '@tensorflow/tfjs-backend-cpu (pure JS)';
      }
      active = { name: candidate, detail, threads: used };
      return active;
    } catch (err) {
      if (name !== 'auto') throw err;
      failures.push((err as Error).message);
    }
  }
  throw new BackendUnavailableError(`no compute backend could be loaded: ${failures.join('; ')}`);
}

/** The backend chosen by {@link selectBackend}, if any. */
export function activeBackend(): BackendInfo | undefined {
  return active;
}

/**
 * Releases the active backend (for wasm: its pthread workers, which otherwise keep the process
 * alive) at the end of a process's tensor work; that backend cannot be selected again in this
 * process. Idempotent.
 */
export function shutdownBackend(): void {
  if (!active) return;
  const name = active.name;
  active = undefined;
  if (tf.findBackend(name)) tf.removeBackend(name);
}
