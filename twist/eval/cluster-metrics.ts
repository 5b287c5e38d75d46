import { InvalidArgumentError } from '../../core/index.js';
import { linearSumAssignment } from './hungarian.js';

function check(labels: Int32Array, preds: Int32Array): void {
  if (labels.length !== preds.length)
    throw new InvalidArgumentError(`${labels.length} labels but ${preds.length} predictions`);
  if (labels.length === 0) throw new InvalidArgumentError('clustering metrics need at least one sample');
  for (const a of [labels, preds])
    for (const x of a) if (x < 0) throw new InvalidArgumentError(`negative cluster or class id ${x}`);
}

/** Contingency table n_ij (classes × clusters) with its marginals. */
function contingency(labels: Int32Array, preds: Int32Array) {
  let k = 0;
  let c = 0;
  for (let i = 0; i < labels.length; i++) {
    k = Math.max(k, labels[i]! + 1);
    c = Math.max(c, preds[i]! + 1);
  }
  const table = new Float64Array(k * c);
  for (let i = 0; i < labels.length; i++) table[labels[i]! * c + preds[i]!]! += 1;
  const a = new Float64Array(k);
  const b = new Float64Array(c);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < c; j++) {
      a[i]! += table[i * c + j]!;
      b[j]! += table[i * c + j]!;
    }
  return { table, k, c, a, b, n: labels.length };
}

function entropy(counts: Float64Array, n: number): number {
  let h = 0;
  for (const x of counts) if (x > 0) h -= (x / n) * Math.log(x / n);
  return h;
}

/**
 * Normalised mutual information with arithmetic-mean normalisation, as scikit-learn's
 * `normalized_mutual_info_score` (1 when both labelings are a single cluster).
 */
export function nmi(labels: Int32Array, preds: Int32Array): number {
  check(labels, preds);
  const { table, k, c, a, b, n } = contingency(labels, preds);
  const hu = entropy(a, n);
  const hv = entropy(b, n);
  if (hu === 0 && hv === 0) return 1;
  let mi = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < c; j++) {
      const nij = table[i * c + j]!;
      if (nij > 0) mi += (nij / n) * Math.log((n * nij) / (a[i]! * b[j]!));
    }
  const denom = (hu + hv) / 2;
  return denom === 0 ? 0 : Math.max(0, mi) / denom;
}

/**
 * Clustering accuracy by Hungarian matching (SCAN/IIC's `_hungarian_match`, as the seed): the
 * one-to-one map from clusters to classes that maximises agreement, then the fraction of samples whose
 * mapped cluster is their class. Clusters may outnumber classes (the surplus maps to nothing and
 * counts as wrong) or be fewer.
 */
export function clusterAccuracy(labels: Int32Array, preds: Int32Array): number {
  check(labels, preds);
  const { table, k, c, n } = contingency(labels, preds);
  // Rows = the smaller side, so the assignment is well-posed either way.
  const rows = Math.min(k, c);
  const cols = Math.max(k, c);
  const cost = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const count = k <= c ? table[i * c + j]! : table[j * c + i]!;
      cost[i * cols + j] = -count;
    }
  const match = linearSumAssignment(cost, rows, cols);
  let hit = 0;
  for (let i = 0; i < rows; i++) hit -= cost[i * cols + match[i]!]!;
  return hit / n;
}
