import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { loadModelFromCheckpoint } from '../checkpoint/index.js';
import { intFlag, InvalidArgumentError, numFlag, Random } from '../core/index.js';
import { FASHION_MNIST_DIR, loadMnistSplit } from '../data/index.js';
import {
  FASHION_MNIST_MEAN,
  FASHION_MNIST_STD,
  GrayViewAugmenter,
  evalTrainGrayView,
  cachedFeatures,
  clusteringReport,
  embedSplit,
  kMeans,
  knnAccuracy,
  linearProbe,
  parseBackendName,
  selectBackend,
  semiSupervised,
  splitAtSize,
  topIndices,
  type BatchFeatures,
} from '../twist/index.js';

export const EVAL_USAGE = `twist eval <knn|linear|semi|cluster> --checkpoint DIR [options]

Evaluates a trained model (a --run-dir of twist train) on an MNIST-format dataset.

  --checkpoint DIR       a run directory (its LATEST checkpoint, else the newest valid one) or a step-<n> directory
  --data-path DIR        MNIST-format directory (default ${FASHION_MNIST_DIR})
  --json                 the last line of stdout is one JSON object with every figure
  --backend NAME --threads N                  as for twist train
knn:     --k LIST (default 200,20)  --temperature X (default 0.1)
linear:  --epochs N (100) --lr X (0.2) --batch-size N (256) --cached-features --standardize
semi:    --train-percent 1|10|100 --epochs N --lr-classifier X (0.2) --lr-backbone X --batch-size N (256)
cluster: --kmeans-restarts N (default 10); head argmax and k-means on backbone features
`;

const MODES = ['knn', 'linear', 'semi', 'cluster'] as const;
type Mode = (typeof MODES)[number];

/** `twist eval MODE`: loads the checkpoint and the dataset, runs the evaluation, prints the figures. */
export async function evalCommand(argv: string[]): Promise<number> {
  const [mode, ...rest] = argv;
  if (mode === '--help' || mode === '-h' || mode === undefined) {
    process.stdout.write(EVAL_USAGE);
    return mode === undefined ? 2 : 0;
  }
  if (!(MODES as readonly string[]).includes(mode))
    throw new InvalidArgumentError(`twist eval: unknown evaluation '${mode}' (expected ${MODES.join(', ')})`);
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      checkpoint: { type: 'string' },
      'data-path': { type: 'string' },
      json: { type: 'boolean' },
      backend: { type: 'string' },
      threads: { type: 'string' },
      k: { type: 'string' },
      temperature: { type: 'string' },
      epochs: { type: 'string' },
      lr: { type: 'string' },
      'batch-size': { type: 'string' },
      'cached-features': { type: 'boolean' },
      standardize: { type: 'boolean' },
      'train-percent': { type: 'string' },
      'lr-classifier': { type: 'string' },
      'lr-backbone': { type: 'string' },
      'kmeans-restarts': { type: 'string' },
      seed: { type: 'string' },
    },
  });
  if (!values.checkpoint) throw new InvalidArgumentError('twist eval: --checkpoint DIR is required');
  const backend = await selectBackend({
    name: values.backend ? parseBackendName(values.backend, '--backend') : undefined,
    threads: intFlag('threads', values.threads),
  });
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  say(`backend: ${backend.name} (${backend.detail})`);
  const dataPath = values['data-path'] ?? FASHION_MNIST_DIR;
  const [{ model, config, checkpoint, fellBack }, train0, test0] = await Promise.all([
    loadModelFromCheckpoint(values.checkpoint),
    loadMnistSplit(dataPath, 'train'),
    loadMnistSplit(dataPath, 't10k'),
  ]);
  // Evaluated at the side the model was trained at (a ViT at 32 px on 28-px images).
  const [train, test] = [splitAtSize(train0, config.imageSize), splitAtSize(test0, config.imageSize)];
  if (train !== train0) say(`images resized from ${train0.height} px to the model's ${train.height} px`);
  for (const f of fellBack ?? []) say(`passing over ${f.from}: ${f.reason}`);
  say(`checkpoint: ${checkpoint.dir} (step ${checkpoint.manifest.step})`);
  if (model.backbone.config.inChannels !== 1) {
    throw new InvalidArgumentError(
      `${values.checkpoint}: the model takes ${model.backbone.config.inChannels} channels; ${dataPath} is grayscale`,
    );
  }
  const numClasses = train.numClasses;
  for (const l of test.labels)
    if (l >= numClasses)
      throw new InvalidArgumentError(
        `${dataPath}: test label ${l} is not among the ${numClasses} training classes`,
      );
  const norm = { mean: FASHION_MNIST_MEAN, std: FASHION_MNIST_STD };
  const seed = intFlag('seed', values.seed, 0) ?? 0;
  const figures: Record<string, unknown> = {
    eval: mode,
    checkpoint: checkpoint.dir,
    step: checkpoint.manifest.step,
    data_path: dataPath,
    backend: backend.name,
    model: { arch: config.arch, depth: config.depth, width: config.width, dim: config.dim },
  };
  const t0 = performance.now();
  try {
    switch (mode as Mode) {
      case 'knn': {
        const ks = (values.k ?? '200,20').split(',').map((x) => intFlag('k', x.trim())!);
        const temperature = numFlag('temperature', values.temperature) ?? 0.1;
        const tr = embedSplit(model, train, norm);
        const te = embedSplit(model, test, norm);
        for (const k of ks)
          figures[`knn${k}`] = knnAccuracy(tr.features, train.labels, te.features, test.labels, numClasses, {
            k,
            temperature,
          });
        figures['temperature'] = temperature;
        tf.dispose([tr.features, te.features]);
        break;
      }
      case 'linear': {
        const epochs = intFlag('epochs', values.epochs) ?? 100;
        const cached = Boolean(values['cached-features']);
        const te = embedSplit(model, test, norm);
        let batches: BatchFeatures;
        let testFeatures = te.features;
        let release = (): void => undefined;
        if (cached) {
          say('linear probe on cached features of un-augmented images (no random-resized-crop / flip)');
          const tr = embedSplit(model, train, norm);
          const c = cachedFeatures(tr.features, te.features, Boolean(values.standardize));
          tr.features.dispose();
          batches = c.batches;
          testFeatures = c.test;
          release = c.dispose;
        } else {
          if (values.standardize) throw new InvalidArgumentError('--standardize needs --cached-features');
          const aug = new GrayViewAugmenter(evalTrainGrayView(train.height, norm.mean, norm.std));
          const rng = new Random(seed + 11);
          batches = (idx) =>
            tf.tidy(() =>
              model.features(
                tf.tensor4d(aug.apply(rng, train.images, train.height, train.width, idx), [
                  idx.length,
                  train.height,
                  train.width,
                  1,
                ]),
              ),
            );
        }
        const r = linearProbe(
          batches,
          train.labels,
          model.backbone.featureDim,
          testFeatures,
          test.labels,
          numClasses,
          {
            epochs,
            lr: numFlag('lr', values.lr) ?? 0.2,
            batchSize: intFlag('batch-size', values['batch-size']) ?? 256,
            standardize: Boolean(values.standardize),
            seed,
            onEpoch: (e) =>
              say(
                `linear epoch ${e.epoch}/${epochs}: loss ${e.loss.toFixed(4)} top-1 ${e.top1.toFixed(4)} top-5 ${e.top5.toFixed(4)}`,
              ),
          },
        );
        release();
        te.features.dispose();
        Object.assign(figures, {
          linear_top1: r.best_top1,
          linear_top5: r.best_top5,
          linear_last_top1: r.last_top1,
          epochs,
          cached_features: cached,
          standardized: Boolean(values.standardize),
        });
        break;
      }
      case 'semi': {
        const percent = numFlag('train-percent', values['train-percent']);
        if (percent === undefined || ![1, 10, 100].includes(percent))
          throw new InvalidArgumentError(
            `--train-percent must be 1, 10 or 100, got ${values['train-percent']}`,
          );
        const r = semiSupervised(model, train, test, norm, numClasses, {
          percent,
          epochs: intFlag('epochs', values.epochs),
          lrClassifier: numFlag('lr-classifier', values['lr-classifier']),
          lrBackbone: numFlag('lr-backbone', values['lr-backbone']),
          batchSize: intFlag('batch-size', values['batch-size']),
          seed,
          onEpoch: (e) =>
            say(
              `semi epoch ${e.epoch}: loss ${e.loss.toFixed(4)} top-1 ${e.top1.toFixed(4)} top-5 ${e.top5.toFixed(4)}`,
            ),
        });
        Object.assign(figures, {
          train_percent: percent,
          subset: r.subset,
          semi_top1: r.best_top1,
          semi_top5: r.best_top5,
          epochs: r.epochs.length,
        });
        break;
      }
      case 'cluster': {
        const te = embedSplit(model, test, norm, { logits: true });
        const { top1, topk } = topIndices(te.logits!, 5);
        const head = clusteringReport(test.labels, top1, te.logits!.shape[1] >= 5 ? topk : undefined);
        const km = kMeans(te.features, {
          k: numClasses,
          restarts: intFlag('kmeans-restarts', values['kmeans-restarts']) ?? 10,
          seed,
        });
        figures['head'] = head;
        figures['kmeans'] = {
          ...clusteringReport(test.labels, km.labels),
          k: numClasses,
          inertia: km.inertia,
        };
        tf.dispose([te.features, te.logits!]);
        break;
      }
    }
  } finally {
    model.dispose();
  }
  figures['seconds'] = (performance.now() - t0) / 1000;
  if (values.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  else
    for (const [k, v] of Object.entries(figures))
      process.stdout.write(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}\n`);
  return 0;
}
