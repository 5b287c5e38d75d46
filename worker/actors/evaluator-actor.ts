import * as tf from '@tensorflow/tfjs-core';
import { loadModelFromCheckpoint } from '../../checkpoint/index.js';
import { z } from 'zod';
import { parseConfig } from '../../core/index.js';
import { loadMnistSplit, type ImageSplit } from '../../data/index.js';
import {
  clusteringReport,
  embedSplit,
  FASHION_MNIST_MEAN,
  FASHION_MNIST_STD,
  knnAccuracy,
  parseBackendName,
  selectBackend,
  splitAtSize,
  topIndices,
} from '../../twist/index.js';
import { defineActor } from './actor-class.js';

/** The figures of one evaluation. */
export interface EvalFigures {
  checkpoint: string;
  step: number;
  knn: number;
  nmi: number;
  ami: number;
  ari: number;
  acc: number;
  trainImages: number;
  testImages: number;
  seconds: number;
}

/** What an evaluator is built with: the dataset, its backend, optional train/test subsets (the first N). */
export const EvaluatorArgsSchema = z.object({
  dataPath: z.string().min(1),
  backend: z.string().default('auto'),
  threads: z.number().int().min(1).optional(),
  trainImages: z.number().int().min(1).optional(),
  testImages: z.number().int().min(1).optional(),
});

const head = (s: ImageSplit, n: number): ImageSplit =>
  n >= s.count
    ? s
    : {
        ...s,
        count: n,
        images: s.images.subarray(0, n * s.height * s.width),
        labels: s.labels.subarray(0, n),
      };

/**
 * The evaluator actor: loads a committed checkpoint and measures it on the held-out split: kNN
 * top-1 (k = 200 or the train size, cosine, T = 0.1) on backbone features, and the clustering
 * metrics of the head's argmax (NMI, AMI, ARI, Hungarian ACC). Its figures go to its /metrics.
 */
export const EvaluatorActor = defineActor({
  name: 'evaluator',
  methods: ['evaluate'],
  create: async (raw, ctx) => {
    const a = parseConfig(EvaluatorArgsSchema, raw, 'evaluator');
    await selectBackend({ name: parseBackendName(a.backend, 'backend'), threads: a.threads });
    const train = head(await loadMnistSplit(a.dataPath, 'train'), a.trainImages ?? Infinity);
    const test = head(await loadMnistSplit(a.dataPath, 't10k'), a.testImages ?? Infinity);
    const norm = { mean: FASHION_MNIST_MEAN, std: FASHION_MNIST_STD };
    const g = ctx.metrics.gauge(
      'twist_evaluator_metric',
      'The last evaluation, by metric (kNN accuracy, NMI, AMI, ARI, ACC).',
      ['metric'],
    );
    const evals = ctx.metrics.counter('twist_evaluator_evaluations_total', 'Checkpoints evaluated.');
    // The held-out splits at the side the model was trained at (a ViT at 32 px on 28-px images),
    // resized once per side: every checkpoint of a run has the same.
    let resized: { size: number | undefined; train: ImageSplit; test: ImageSplit } | undefined;
    const splitsAt = (size: number | undefined): { train: ImageSplit; test: ImageSplit } => {
      if (!resized || resized.size !== size)
        resized = { size, train: splitAtSize(train, size), test: splitAtSize(test, size) };
      return resized;
    };
    return {
      evaluate: async (req: unknown): Promise<EvalFigures> => {
        const { checkpoint } = req as { checkpoint: string };
        const t0 = performance.now();
        const { model, config, checkpoint: ck } = await loadModelFromCheckpoint(checkpoint);
        try {
          const at = splitsAt(config.imageSize);
          const tr = embedSplit(model, at.train, norm);
          const te = embedSplit(model, at.test, norm, { logits: true });
          const knn = knnAccuracy(tr.features, train.labels, te.features, test.labels, train.numClasses, {
            k: Math.min(200, train.count),
            temperature: 0.1,
          });
          const { top1 } = topIndices(te.logits!, 1);
          const c = clusteringReport(test.labels, top1);
          tf.dispose([tr.features, te.features, te.logits!]);
          const out: EvalFigures = {
            checkpoint: ck.dir,
            step: ck.manifest.step,
            knn,
            nmi: c.nmi,
            ami: c.ami,
            ari: c.ari,
            acc: c.acc,
            trainImages: train.count,
            testImages: test.count,
            seconds: (performance.now() - t0) / 1000,
          };
          for (const k of ['knn', 'nmi', 'ami', 'ari', 'acc'] as const) g.set({ metric: k }, out[k]);
          evals.inc();
          return out;
        } finally {
          model.dispose();
        }
      },
    };
  },
});
