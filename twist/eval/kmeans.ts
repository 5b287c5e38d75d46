import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, Random } from '../../core/index.js';

export interface KMeansOptions {
  k: number;
  /** Independent runs from different k-means++ seeds; the lowest inertia wins (default 10). */
  restarts?: number;
  /** Lloyd iterations per run (default 300). */
  maxIter?: number;
  /** Stop when the centroids move less than tol × the mean feature variance (default 1e-4, sklearn's). */
  tol?: number;
  seed?: number;
}

export interface KMeansResult {
  labels: Int32Array;
  /** [k, d] row-major. */
  centroids: Float32Array;
  /** Sum of squared distances to the assigned centroid. */
  inertia: number;
}

/** Squared distances [n, m] between the rows of x [n, d] and c [m, d]: |x|² − 2x·cᵀ + |c|². */
function sqDistances(x: tf.Tensor2D, xNorm: tf.Tensor2D, c: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(
    () =>
      tf.relu(
        tf.add(
          tf.sub(xNorm, tf.mul(tf.matMul(x, c, false, true), 2)),
          tf.transpose(tf.sum(tf.square(c), 1, true)),
        ),
      ) as tf.Tensor2D,
  );
}

/**
 * k-means (Lloyd) with greedy k-means++ seeding (2 + ⌊ln k⌋ candidates per centre, as scikit-learn),
 * several restarts, the best inertia kept. Distances run on the compute backend (matrix products),
 * centroid updates on the host; empty clusters are re-seeded with the point farthest from its centre.
 * @throws InvalidArgumentError when k is not in [1, n].
 */
export function kMeans(features: tf.Tensor2D, opts: KMeansOptions): KMeansResult {
  const [n, d] = features.shape;
  const { k } = opts;
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new InvalidArgumentError(`k-means: k must be in [1, ${n}], got ${k}`);
  const restarts = opts.restarts ?? 10;
  const maxIter = opts.maxIter ?? 300;
  const rng = new Random(opts.seed ?? 0);
  const host = features.dataSync() as Float32Array;
  let variance = 0;
  for (let j = 0; j < d; j++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = host[i * d + j]!;
      s += v;
      s2 += v * v;
    }
    variance += s2 / n - (s / n) ** 2;
  }
  const tol = (opts.tol ?? 1e-4) * (variance / d);
  const xNorm = tf.sum(tf.square(features), 1, true) as tf.Tensor2D;
  let best: KMeansResult | undefined;
  try {
    for (let r = 0; r < restarts; r++) {
      const points: Points = { x: features, xNorm, host, n, d };
      const result = lloyd(points, k, seedPlusPlus(points, k, rng), maxIter, tol);
      if (!best || result.inertia < best.inertia) best = result;
    }
  } finally {
    xNorm.dispose();
  }
  return best!;
}

/** The points once on the backend (with their squared norms) and once on the host. */
interface Points {
  x: tf.Tensor2D;
  xNorm: tf.Tensor2D;
  host: Float32Array;
  n: number;
  d: number;
}

function seedPlusPlus({ x, xNorm, host, n, d }: Points, k: number, rng: Random): Float32Array {
  const centroids = new Float32Array(k * d);
  const trials = 2 + Math.floor(Math.log(k));
  const first = rng.int(n);
  centroids.set(host.subarray(first * d, first * d + d), 0);
  let closest = tf.tidy(
    () =>
      sqDistances(
        x,
        xNorm,
        tf.tensor2d(host.slice(first * d, first * d + d), [1, d]),
      ).dataSync() as Float32Array,
  );
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (const v of closest) total += v;
    const candidates: number[] = [];
    for (let t = 0; t < trials; t++) {
      let u = rng.next() * total;
      let i = 0;
      while (i < n - 1 && u >= closest[i]!) u -= closest[i++]!;
      candidates.push(i);
    }
    const cand = new Float32Array(trials * d);
    candidates.forEach((i, t) => cand.set(host.subarray(i * d, i * d + d), t * d));
    const dist = tf.tidy(
      () => sqDistances(x, xNorm, tf.tensor2d(cand, [trials, d])).dataSync() as Float32Array,
    );
    let bestT = 0;
    let bestPot = Infinity;
    let bestClosest = closest;
    for (let t = 0; t < trials; t++) {
      const next = new Float32Array(n);
      let pot = 0;
      for (let i = 0; i < n; i++) {
        next[i] = Math.min(closest[i]!, dist[i * trials + t]!);
        pot += next[i]!;
      }
      if (pot < bestPot) [bestPot, bestT, bestClosest] = [pot, t, next];
    }
    centroids.set(cand.subarray(bestT * d, bestT * d + d), c * d);
    closest = bestClosest;
  }
  return centroids;
}

function lloyd(
  { x, xNorm, host, n, d }: Points,
  k: number,
  init: Float32Array,
  maxIter: number,
  tol: number,
): KMeansResult {
  const centroids = init;
  const labels = new Int32Array(n);
  const dist = new Float32Array(n);
  const assign = (): void => {
    const { idx, min } = tf.tidy(() => {
      const dd = sqDistances(x, xNorm, tf.tensor2d(centroids, [k, d]));
      return {
        idx: tf.argMin(dd, 1).dataSync() as Int32Array,
        min: tf.min(dd, 1).dataSync() as Float32Array,
      };
    });
    labels.set(idx);
    dist.set(min);
  };
  for (let iter = 0; iter < maxIter; iter++) {
    assign();
    const sums = new Float64Array(k * d);
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      counts[c]!++;
      for (let j = 0; j < d; j++) sums[c * d + j]! += host[i * d + j]!;
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // Empty cluster: move it to the point farthest from its centre.
        let far = 0;
        for (let i = 1; i < n; i++) if (dist[i]! > dist[far]!) far = i;
        dist[far] = 0;
        for (let j = 0; j < d; j++) {
          shift += (host[far * d + j]! - centroids[c * d + j]!) ** 2;
          centroids[c * d + j] = host[far * d + j]!;
        }
        continue;
      }
      for (let j = 0; j < d; j++) {
        const v = sums[c * d + j]! / counts[c]!;
        shift += (v - centroids[c * d + j]!) ** 2;
        centroids[c * d + j] = v;
      }
    }
    if (shift <= tol) break;
  }
  assign();
  let inertia = 0;
  for (const v of dist) inertia += v;
  return { labels, centroids, inertia };
}
