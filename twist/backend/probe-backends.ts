import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_NAMES, type BackendName } from './select-backend.js';
import { blasName } from './torch/blas-name.js';
import { loadTorchAddon } from './torch/torch-addon.js';
import { torchKernelNames } from './torch/torch-kernels.js';

export interface BackendProbe {
  name: BackendName;
  available: boolean;
  /** What provides it, or why it is unavailable. */
  detail: string;
}

/**
 * Which compute backends this machine can load, in {@link selectBackend}'s order, without selecting
 * any (for `twist doctor`): `torch` loads its addon and reports its libtorch and device, `tensorflow`
 * tries the tfjs-node packages, `wasm` and `cpu` are registered by their packages. Never throws.
 */
export async function probeBackends(): Promise<BackendProbe[]> {
  const out: BackendProbe[] = [];
  for (const name of BACKEND_NAMES) {
    if (name === 'torch') {
      try {
        const addon = loadTorchAddon();
        const info = addon.init('cpu', 0, 0);
        const cuda = info.cudaBuild
          ? info.cuda
            ? 'CUDA build, GPU visible'
            : 'CUDA build, no GPU visible'
          : 'CPU build';
        out.push({
          name,
          available: true,
          detail: `libtorch ${addon.torchVersion} (${cuda}; oneDNN ${info.mkldnn ? 'yes' : 'no'}; ATen's default threads ${info.threads}${info.blas ? `; ${blasName(info.blas)}` : ''}); ${torchKernelNames().length} kernels`,
        });
      } catch (err) {
        out.push({ name, available: false, detail: (err as Error).message });
      }
    } else if (name === 'tensorflow') {
      const errors: string[] = [];
      let pkg: string | undefined;
      for (const p of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
        try {
          await import(p);
          pkg = p;
          break;
        } catch (err) {
          errors.push(`${p}: ${(err as Error).message.split('\n')[0]}`);
        }
      }
      out.push(
        pkg ? { name, available: true, detail: pkg } : { name, available: false, detail: errors.join('; ') },
      );
    } else {
      const ok = tf.findBackendFactory(name) !== null;
      out.push({
        name,
        available: ok,
        detail: ok
          ? name === 'wasm'
            ? '@tensorflow/tfjs-backend-wasm'
            : '@tensorflow/tfjs-backend-cpu (pure JS)'
          : 'not registered',
      });
    }
  }
  return out;
}
