import * as tf from '@tensorflow/tfjs-core';
import {
  AdamW,
  TwistModel,
  TwistStep,
  VIT_PRESETS,
  selectBackend,
  vitForwardFlops,
  type VitConfig,
} from '../twist/index.js';
import { median } from './stats.js';
import { type BenchArgs, type Bench, type Emit } from './bench-args.js';

async function run(args: BenchArgs, emit: Emit): Promise<void> {
  const arch = args.choice('arch', Object.keys(VIT_PRESETS) as (keyof typeof VIT_PRESETS)[], 'vit-s');
  const size = args.int('size', 64);
  const batch = args.int('batch', 32);
  const steps = args.int('steps', 5);
  const hid = args.int('hid-dim', 4096);
  const dim = args.int('dim', 4096);
  const backend = await selectBackend({});
  const backbone: VitConfig = {
    arch: 'vit',
    patchSize: 16,
    imageSize: 224,
    inChannels: 3,
    ...VIT_PRESETS[arch],
  };
  const model = new TwistModel({
    backbone,
    head: { hidDim: hid, dim, norm: 'bn', act: 'gelu', drop: 0, init: 'trunc_normal' },
  });
  const step = new TwistStep(model, new AdamW({ clipGradNorm: 3 }), {
    lam1: -0.6,
    lam2: 1,
    tau: 1,
    eps: 1e-5,
  });
  const n = batch * size * size * 3;
  const times: number[] = [];
  for (let s = 0; s < steps + 2; s++) {
    const [x1, x2] = [0, 1].map(() => tf.randomNormal([batch, size, size, 3]) as tf.Tensor4D) as [
      tf.Tensor4D,
      tf.Tensor4D,
    ];
    const t0 = performance.now();
    step.run([x1, x2], { lr: 3e-4, weightDecay: 0.06 });
    if (s >= 2) times.push(performance.now() - t0);
    tf.dispose([x1, x2]);
  }
  const ms = median(times);
  const fwd = vitForwardFlops(backbone, size, size) + 2 * (backbone.embedDim * hid + hid * hid + hid * dim);
  const stepFlops = 3 * fwd * 2 * batch;
  emit({
    bench: 'vit-step',
    arch,
    backend: backend.name,
    detail: backend.detail,
    image_size: size,
    batch,
    views: 2,
    params: model.store.paramCount(),
    input_values: n,
    steps,
    ms_per_step: +ms.toFixed(1),
    ...Object.fromEntries(
      Object.entries(step.timings()).map(([k, v]) => [`ms_${k}`, +median(v.slice(-steps)).toFixed(1)]),
    ),
    images_per_s: +((1000 * batch) / ms).toFixed(1),
    gflop_per_step: +(stepFlops / 1e9).toFixed(2),
    gflops_effective: +(stepFlops / (ms / 1000) / 1e9).toFixed(2),
  });
  model.dispose();
}

/**
 * `npm run bench -- vit-step [--arch vit-s|vit-b] [--size 64] [--batch 32] [--steps 5] [--hid-dim 4096] [--dim 4096]`: one TWIST
 * step of a ViT/16 (two views at `size` px, GELU head 4096/4096 with trunc-normal init as the seed's
 * ViT recipes, AdamW with clipping 3.0) on the selected backend: ms/step, images/s, effective
 * GFLOP/s (3 × forward FLOPs of backbone and head).
 */
export const vitStepBench: Bench = {
  flags: ['arch', 'size', 'batch', 'steps', 'hid-dim', 'dim'],
  run,
};
