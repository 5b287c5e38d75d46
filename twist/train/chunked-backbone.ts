import * as tf from '@tensorflow/tfjs-core';
import type { ForwardContext } from '../nn/layers.js';
import { VisionTransformer, type TwistModel } from '../models/index.js';

/** Images per backbone pass when a per-sample backbone runs in chunks and no size is configured. */
export const DEFAULT_BACKBONE_CHUNK = 128;

interface Chunk {
  x: tf.Tensor4D;
  /** The drop-path generator's state before this chunk's forward (the recomputation replays it). */
  state: ReturnType<VisionTransformer['rng']['getState']>;
}

/** The backbone features of `views` (grouped by resolution), `chunk` images per pass, nothing recorded. */
function chunkedFeatures(
  model: TwistModel,
  views: tf.Tensor4D[],
  ctx: ForwardContext,
  chunk: number,
  keepChunks: boolean,
): { feats: tf.Tensor2D[]; chunks: Chunk[] } {
  const backbone = model.backbone as VisionTransformer;
  const feats: tf.Tensor2D[] = [];
  const chunks: Chunk[] = [];
  for (const g of model.resolutionGroups(views)) {
    const x = g.length === 1 ? g[0]! : (tf.concat(g, 0) as tf.Tensor4D);
    for (let s = 0; s < x.shape[0]; s += chunk) {
      const xc = tf.slice(x, [s, 0, 0, 0], [Math.min(chunk, x.shape[0] - s), -1, -1, -1]);
      const state = backbone.rng.getState();
      feats.push(tf.tidy(() => backbone.forward(xc, ctx)));
      if (keepChunks) chunks.push({ x: xc, state });
      else xc.dispose();
    }
    if (x !== g[0]) x.dispose();
  }
  return { feats, chunks };
}

/**
 * {@link TwistModel.forward} with the backbone run `chunk` images at a time: the same logits for a
 * backbone without BatchNorm ({@link TwistModel.backbonePerSample}), with one chunk's activations
 * alive at a time. Nothing is recorded for gradients (the momentum encoder's forward).
 */
export function chunkedForward(
  model: TwistModel,
  views: tf.Tensor4D[],
  ctx: ForwardContext,
  chunk: number,
): tf.Tensor2D[] {
  const { feats } = chunkedFeatures(model, views, ctx, chunk, false);
  const zs = tf.tidy(() => model.headPerView(tf.concat(feats, 0) as tf.Tensor2D, views.length, ctx));
  tf.dispose(feats);
  return zs;
}

/**
 * `tf.variableGrads(() => lossOf(model.forward(views, ctx)), vars)` with activation
 * recomputation at the backbone's output, for a backbone without BatchNorm (the ViTs): the
 * backbone runs `chunk` images at a time without recording; the head and loss run once on all
 * features with their gradients, the features' included; then each chunk's backbone forward runs
 * again, recorded, and is differentiated against its features' gradient, the parameter gradients
 * summed over chunks. Drop-path masks are replayed (the generator's state is restored per chunk and
 * left where one forward leaves it). Memory: one chunk's activations instead of the batch's; cost:
 * one more backbone forward.
 */
export function chunkedVariableGrads(
  model: TwistModel,
  views: tf.Tensor4D[],
  ctx: ForwardContext,
  chunk: number,
  lossOf: (zs: tf.Tensor2D[]) => tf.Scalar,
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  if (!(model.backbone instanceof VisionTransformer))
    throw new Error('chunked gradients need a backbone without BatchNorm');
  const backbone = model.backbone;
  const params = model.store.params;
  const headVars = params.filter((p) => !p.name.startsWith('backbone.')).map((p) => p.variable);
  const backboneVars = params.filter((p) => p.name.startsWith('backbone.')).map((p) => p.variable);
  const { feats, chunks } = chunkedFeatures(model, views, ctx, chunk, true);
  const end = backbone.rng.getState();
  const { value, grads } = tf
    .engine()
    .gradients(
      () => lossOf(model.headPerView(tf.concat(feats, 0) as tf.Tensor2D, views.length, ctx)),
      [...headVars, ...feats],
    );
  const out: tf.NamedTensorMap = {};
  headVars.forEach((v, i) => (out[v.name] = grads[i]!));
  const dFeats = grads.slice(headVars.length);
  const sums: (tf.Tensor | undefined)[] = backboneVars.map(() => undefined);
  chunks.forEach((c, i) => {
    backbone.rng.setState(c.state);
    const r = tf
      .engine()
      .gradients(
        () => tf.sum(tf.mul(backbone.forward(c.x, ctx), dFeats[i]!)) as tf.Scalar,
        backboneVars,
        undefined,
        true,
      );
    r.value.dispose();
    r.grads.forEach((g, j) => {
      if (!g) return;
      const prev = sums[j];
      sums[j] = prev ? tf.add(prev, g) : g;
      if (prev) tf.dispose([prev, g]);
    });
  });
  backbone.rng.setState(end);
  backboneVars.forEach((v, j) => (out[v.name] = sums[j] ?? tf.zerosLike(v)));
  tf.dispose([...chunks.map((c) => c.x), ...feats, ...dFeats]);
  return { value, grads: out };
}
