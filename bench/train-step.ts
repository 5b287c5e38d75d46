import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../core/index.js';
import { FASHION_MNIST_DIR, epochOrder, loadMnistSplit } from '../data/index.js';
import {
  GrayViewAugmenter,
  Lars,
  LocalTrainConfigSchema,
  TwistStep,
  barlowGrayViews,
  modelFor,
  resnetForwardFlops,
  scaledLr,
  selectBackend,
  type ResNetConfig,
} from '../twist/index.js';
import { fileURLToPath } from 'node:url';
import { runPythonJsonLines, runTorchAnchor } from './anchor.js';
import { median } from './stats.js';
import { type BenchArgs, type Bench, type Emit } from './bench-args.js';

async function run(args: BenchArgs, emit: Emit): Promise<void> {
  const batch = args.int('batch', 256);
  const width = args.int('width', 16);
  const steps = args.int('steps', 8);
  const backend = await selectBackend({});
  const cfg = LocalTrainConfigSchema.parse({ dataPath: FASHION_MNIST_DIR, batchSize: batch, width });
  const train = await loadMnistSplit(cfg.dataPath, 'train');
  const model = modelFor(cfg);
  const step = new TwistStep(model, new Lars(), { lam1: 0, lam2: 1, tau: 1, eps: 1e-5 });
  const augs = barlowGrayViews(28).map((v) => new GrayViewAugmenter(v));
  const rng = new Random(1);
  const order = epochOrder(train.count, 0, 0);
  const phases = { augment: [] as number[], total: [] as number[] };
  const lr = scaledLr(0.5, batch) * 0.1;
  for (let s = 0; s < steps + 2; s++) {
    const t0 = performance.now();
    const idx = order.subarray(s * batch, (s + 1) * batch);
    const [x1, x2] = augs.map((a) =>
      tf.tensor4d(a.apply(rng, train.images, 28, 28, idx), [batch, 28, 28, 1]),
    ) as [tf.Tensor4D, tf.Tensor4D];
    const t1 = performance.now();
    step.run([x1, x2], { lr, weightDecay: 1.5e-6 });
    tf.dispose([x1, x2]);
    const t2 = performance.now();
    if (s >= 2) {
      phases.augment.push(t1 - t0);
      phases.total.push(t2 - t0);
    }
  }
  const ms = median(phases.total);
  const flopsPerImage =
    resnetForwardFlops(model.backbone.config as ResNetConfig, 28, 28) +
    2 * (model.backbone.featureDim * cfg.hidDim + cfg.hidDim * cfg.hidDim + cfg.hidDim * cfg.dim);
  const stepFlops = 3 * flopsPerImage * 2 * batch;
  const ours = {
    bench: 'train-step',
    impl: 'twist-cluster',
    backend: backend.name,
    detail: backend.detail,
    batch,
    width,
    views: 2,
    steps,
    ms_per_step: +ms.toFixed(1),
    ms_augment: +median(phases.augment).toFixed(1),
    ...Object.fromEntries(
      Object.entries(step.timings()).map(([k, v]) => [`ms_${k}`, +median(v.slice(-steps)).toFixed(1)]),
    ),
    images_per_s: +((1000 * batch) / ms).toFixed(1),
    gflop_per_step: +(stepFlops / 1e9).toFixed(2),
    gflops_effective: +(stepFlops / (ms / 1000) / 1e9).toFixed(2),
  };
  emit(ours);
  model.dispose();
  if (args.has('no-anchor')) return;
  // The same step in PyTorch (the shared anchor's model, loss and LARS), inputs prepared once: a
  // kernel-for-kernel comparison (ours above also includes its augmentation, ms_augment).
  const step2 = await runPythonJsonLines(
    fileURLToPath(new URL('../../bench/train_step_anchor.py', import.meta.url)),
    [
      '--steps',
      String(steps),
      '--batch',
      String(batch),
      '--width',
      String(width),
      '--threads',
      String(backend.threads),
    ],
  );
  const torchStep = step2.lines.find((l) => l['impl'] === 'pytorch') as { ms_per_step: number } | undefined;
  if (!torchStep) throw new Error('train_step_anchor.py printed no result');
  emit({ ...torchStep, gflops_effective: +(stepFlops / (torchStep.ms_per_step / 1000) / 1e9).toFixed(2) });
  emit({
    bench: 'train-step',
    ratio_ms_per_step_ours_over_pytorch_step: +(ms / torchStep.ms_per_step).toFixed(2),
    ratio_forward_backward_over_pytorch_step: +(
      median(step.timings()['forward_backward']!.slice(-steps)) / torchStep.ms_per_step
    ).toFixed(2),
  });
  if (!args.has('epoch-anchor')) return;
  const anchor = await runTorchAnchor(['1', String(width), String(batch), '10'], (l) => 'epoch' in l);
  const epoch = anchor.lines.find((l) => 'epoch' in l) as
    { ms_per_step: number; img_per_s: number } | undefined;
  if (!epoch) throw new Error('the anchor printed no epoch line');
  emit({
    bench: 'train-step',
    impl: 'pytorch-anchor',
    backend: 'torch-cpu (2 threads)',
    batch,
    width,
    ms_per_step: epoch.ms_per_step,
    images_per_s: epoch.img_per_s,
    gflops_effective: +(stepFlops / (epoch.ms_per_step / 1000) / 1e9).toFixed(2),
    note: 'first epoch of twist_torch_fmnist.py (includes its batched augmentation)',
  });
  emit({ bench: 'train-step', ratio_ms_per_step_ours_over_anchor: +(ms / epoch.ms_per_step).toFixed(2) });
}

/**
 * `npm run bench -- train-step [--steps N] [--batch B] [--width W] [--no-anchor] [--epoch-anchor]`: one TWIST training
 * step (ResNet-18, cifar stem, 28×28×1, two views, head 512/10, LARS) on the selected backend:
 * ms/step, images/s and effective GFLOP/s (forward FLOPs × 3 / step time), with the time split into
 * augmentation, forward+backward, gradient download, optimizer and weight upload. Then the same step
 * in PyTorch in the same sitting (bench/train_step_anchor.py, on the shared anchor's model) and the
 * ratios; with `--epoch-anchor` also the shared anchor's first epoch (its ms/step includes its
 * batched augmentation).
 */
export const trainStepBench: Bench = {
  flags: ['batch', 'width', 'steps', 'no-anchor', 'epoch-anchor'],
  run,
};
