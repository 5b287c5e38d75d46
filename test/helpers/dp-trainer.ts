/**
 * A data-parallel trainer for the all-reduce equivalence test: rank `rank` of `n` trains the
 * foundation model (ResNet-18 width 4, TWIST head) on its 1/n of a fixed batch for `steps` steps,
 * averaging gradients with the bucketed ring all-reduce, and writes its final flat weights to
 * `out`. BatchNorm runs in training mode across the ranks (SyncBatchNorm) and the diversity term is
 * the global batch's (all-reduce-then-entropy), both through the {@link CollectiveThread} that also
 * averages the gradients: averaging the ranks' gradients must equal the gradient of the whole batch
 * on one rank.
 * Usage: node dp-trainer.js RANK N STEPS OUT [MODE]; prints its address, then reads the peers (JSON) on stdin.
 * MODE: `sync` (default, cpu backend), `uneven` (sync with unequal shares: 2 ranks take 10 and 6 of
 * the 16 images, as `BatchShares` may split them), `local` (no cross-rank sums, for contrast), `torch` (sync on
 * the torch backend) or `torch-deferred` (that, with the filter gradients deferred to fill the
 * BatchNorm sums' waits, as a trainer actor does).
 */
import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { BucketLayout, CollectiveThread } from '../../collective/index.js';
import { Random } from '../../core/index.js';
import {
  DEFERRABLE_BACKWARD_KERNELS,
  deferringBackend,
  FlatParams,
  LocalTrainConfigSchema,
  modelFor,
  selectBackend,
  Sgd,
  twistLoss,
  withDeferredKernels,
} from '../../twist/index.js';

const [rank, n, steps] = process.argv.slice(2, 5).map(Number) as [number, number, number];
const out = process.argv[5]!;
const mode = process.argv[6] ?? 'sync';
/** `local`: BatchNorm statistics and HE over each rank's own half (no cross-rank sums), for contrast. */
const local = mode === 'local';
const LR = 0.02;
const BATCH = 16;
await selectBackend({ name: mode.startsWith('torch') ? 'torch' : 'cpu' });
const shares = mode === 'uneven' && n === 2 ? [10, 6] : new Array<number>(n).fill(BATCH / n);
const group = await CollectiveThread.start();
process.stdout.write(`${JSON.stringify({ address: group.address })}\n`);
const peers = await new Promise<string[]>((resolve) =>
  createInterface({ input: process.stdin }).once('line', (l) => resolve(JSON.parse(l) as string[])),
);
const model = modelFor(
  LocalTrainConfigSchema.parse({ dataPath: '-', width: 4, hidDim: 16, dim: 8, seed: 5 }),
);
const flat = new FlatParams(model.store);
const layout = new BucketLayout(flat.segments, 64 * 1024);
await group.join({ groupId: 'dp', generation: 1, rank, peers, layoutHash: layout.hash });
const rng = new Random(42);
const images = Float32Array.from({ length: BATCH * 12 * 12 }, () => rng.normal());
const per = shares[rank]!;
const start = shares.slice(0, rank).reduce((s, k) => s + k, 0);
const mine = images.subarray(start * 144, (start + per) * 144);
const sgd = new Sgd(0.9);
// How many deferred kernels ran (in the sums' waits or after the backward): written beside the weights.
let deferredRan = 0;
const backend = deferringBackend();
if (backend) {
  const run = backend.runDeferred.bind(backend);
  backend.runDeferred = (until) => {
    const n = run(until);
    deferredRan += n;
    return n;
  };
}
const grads = new Float32Array(flat.size);
for (let s = 0; s < steps; s++) {
  const x1 = tf.tensor4d(mine, [per, 12, 12, 1]);
  const x2 = tf.mul(x1, 0.8) as tf.Tensor4D;
  const gradsOf = (): { value: tf.Scalar; grads: tf.NamedTensorMap } =>
    tf.variableGrads(() => {
      const [z1, z2] = model.forward([x1, x2], { training: true, sync: local ? undefined : group }) as [
        tf.Tensor2D,
        tf.Tensor2D,
      ];
      return twistLoss(z1, z2, { lam1: 0.5, lam2: 1, sync: local ? undefined : group }).loss;
    }, flat.variables());
  const { value, grads: g } =
    mode === 'torch-deferred' ? withDeferredKernels(DEFERRABLE_BACKWARD_KERNELS, gradsOf) : gradsOf();
  value.dispose();
  tf.dispose([x1, x2]);
  flat.flattenGrads(g, grads);
  await group.allReduce(grads, 'mean', layout);
  sgd.step(flat.values, grads, flat.segments, { lr: LR, weightDecay: 1e-4 });
  flat.upload();
}
writeFileSync(out, flat.values);
writeFileSync(`${out}.deferred`, String(deferredRan));
await group.close();
process.exit(0);
