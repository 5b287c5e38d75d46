import * as tf from '@tensorflow/tfjs-core';
import { FASHION_MNIST_DIR, loadMnistSplit } from '../data/index.js';
import {
  FASHION_MNIST_MEAN,
  FASHION_MNIST_STD,
  LocalTrainConfigSchema,
  clusterAccuracy,
  embedSplit,
  topIndices,
  knnAccuracy,
  nmi,
  selectBackend,
  trainLocal,
} from '../twist/index.js';
import { runTorchAnchor } from './anchor.js';
import { type BenchArgs, type Bench, type Emit } from './bench-args.js';

async function run(args: BenchArgs, emit: Emit): Promise<void> {
  const epochs = args.int('epochs', 5);
  const width = args.int('width', 16);
  const batch = args.int('batch', 256);
  const dim = args.int('dim', 10);
  const backend = await selectBackend({});
  const cfg = LocalTrainConfigSchema.parse({
    dataPath: FASHION_MNIST_DIR,
    epochs,
    width,
    batchSize: batch,
    dim,
    warmupEpochs: Math.max(1, Math.min(10, Math.floor(epochs / 10))),
    runDir: args.str('run-dir'),
    maxSteps: args.has('max-steps') ? args.int('max-steps', 1) : undefined,
  });
  const t0 = performance.now();
  const logEvery = args.int('log-every', 20, 0);
  const result = await trainLocal(cfg, {
    onStep: (r) => {
      if (logEvery > 0 && r.step % logEvery === 0)
        emit({
          bench: 'fmnist',
          impl: 'twist-cluster',
          step: r.step,
          epoch: r.epoch + 1,
          loss: +r.loss.toFixed(4),
          lr: +r.lr.toFixed(4),
          s_per_step: +r.seconds.toFixed(2),
        });
    },
    onEpoch: (r) => emit({ bench: 'fmnist', impl: 'twist-cluster', backend: backend.name, ...r }),
  });
  const trainMinutes = (performance.now() - t0) / 60000;
  const test = await loadMnistSplit(cfg.dataPath, 't10k');
  const norm = { mean: FASHION_MNIST_MEAN, std: FASHION_MNIST_STD };
  const train = await loadMnistSplit(cfg.dataPath, 'train');
  const tr = embedSplit(result.model, train, norm);
  const te = embedSplit(result.model, test, norm, { logits: true });
  const clusters = topIndices(te.logits!, 1).top1;
  const knn = knnAccuracy(tr.features, train.labels, te.features, test.labels, 10, {
    k: 200,
    temperature: 0.1,
  });
  emit({
    bench: 'fmnist',
    impl: 'twist-cluster',
    final: true,
    backend: backend.name,
    epochs,
    train_minutes: +trainMinutes.toFixed(1),
    knn200: +knn.toFixed(4),
    nmi: +nmi(test.labels, clusters).toFixed(4),
    acc: +clusterAccuracy(test.labels, clusters).toFixed(4),
    clusters_used: new Set(clusters).size,
  });
  tf.dispose([tr.features, te.features, te.logits!]);
  result.model.dispose();
  if (!args.has('anchor')) return;
  const anchor = await runTorchAnchor([String(epochs), String(width), String(batch), String(dim)]);
  for (const l of anchor.lines) emit({ bench: 'fmnist', impl: 'pytorch-anchor', ...l });
}

/**
 * `npm run bench -- fmnist [--epochs 5] [--width 16] [--batch 256] [--dim 10] [--max-steps N] [--log-every 20] [--run-dir DIR] [--anchor]`: trains
 * TWIST on Fashion-MNIST as the PyTorch anchor does (same model, head, LARS, batch, 1 warmup epoch,
 * cosine), then on the test set: kNN accuracy (k 200, cosine, exp(sim/0.1) weights) on backbone
 * features and the head's clustering (argmax, eval mode): Hungarian ACC and NMI. With `--anchor`, runs
 * `twist_torch_fmnist.py EPOCHS WIDTH BATCH DIM` afterwards in the same sitting and prints its figures.
 */
export const fmnistBench: Bench = {
  flags: ['epochs', 'width', 'batch', 'dim', 'run-dir', 'max-steps', 'log-every', 'anchor'],
  run,
};
