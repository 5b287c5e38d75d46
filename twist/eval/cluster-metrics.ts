import { InvalidArgumentError } from '../../core/index.js';
import { linearSumAssignment } from './hungarian.js';
import { logGamma } from './log-gamma.js';

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
 * The one-to-one map from clusters to classes that maximises agreement (Hungarian matching, as the
 * seed's `_hungarian_match` from SCAN/IIC), for any numbers of clusters and classes: `map[cluster]`
 * is a class, or −1 for clusters left over when they outnumber the classes.
 */
export function matchClusters(labels: Int32Array, preds: Int32Array): Int32Array {
  check(labels, preds);
  const { table, k, c } = contingency(labels, preds);
  // Rows = the smaller side, so the assignment is well-posed either way.
  const rows = Math.min(k, c);
  const cols = Math.max(k, c);
  const cost = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) cost[i * cols + j] = -(k <= c ? table[i * c + j]! : table[j * c + i]!);
  const match = linearSumAssignment(cost, rows, cols);
  const map = new Int32Array(c).fill(-1);
  for (let i = 0; i < rows; i++) {
    if (k <= c) map[match[i]!] = i;
    else map[i] = match[i]!;
  }
  return map;
}

/**
 * Clustering accuracy: the fraction of samples whose cluster, mapped by {@link matchClusters}, is
 * their class (surplus clusters count as wrong).
 */
export function clusterAccuracy(labels: Int32Array, preds: Int32Array): number {
  const map = matchClusters(labels, preds);
  let hit = 0;
  for (let i = 0; i < labels.length; i++) if (map[preds[i]!] === labels[i]) hit++;
  return hit / labels.length;
}

/**
 * Top-k clustering accuracy as the seed reports it: the map is fitted on the argmax clusters
 * (`preds`), then a sample is a hit when any of its top-k clusters (`topk`, row-major [N, k]) maps to
 * its class.
 * @throws InvalidArgumentError when `topk` is not N×k.
 */
export function topKClusterAccuracy(
  labels: Int32Array,
  preds: Int32Array,
  topk: Int32Array,
  k: number,
): number {
  if (topk.length !== labels.length * k)
    throw new InvalidArgumentError(
      `top-k clusters: ${topk.length} entries for ${labels.length} samples × ${k}`,
    );
  const map = matchClusters(labels, preds);
  let hit = 0;
  for (let i = 0; i < labels.length; i++) {
    for (let j = 0; j < k; j++) {
      const cl = topk[i * k + j]!;
      if (cl < map.length && map[cl] === labels[i]) {
        hit++;
        break;
      }
    }
  }
  return hit / labels.length;
}

/** Every clustering figure the seed reports, plus Fowlkes–Mallows and top-5 ACC when given. */
export interface ClusteringReport {
  nmi: number;
  ami: number;
  ari: number;
  fmi: number;
  acc: number;
  acc_top5?: number;
  clusters_used: number;
}

/** All clustering metrics of `preds` against `labels` (and top-5 ACC when `top5` [N, 5] is given). */
export function clusteringReport(labels: Int32Array, preds: Int32Array, top5?: Int32Array): ClusteringReport {
  const r: ClusteringReport = {
    nmi: nmi(labels, preds),
    ami: ami(labels, preds),
    ari: ari(labels, preds),
    fmi: fowlkesMallows(labels, preds),
    acc: clusterAccuracy(labels, preds),
    clusters_used: new Set(preds).size,
  };
  if (top5) r.acc_top5 = topKClusterAccuracy(labels, preds, top5, 5);
  return r;
}

/** Σ over the values of C(v, 2). */
function sumPairs(values: Iterable<number>): number {
  let s = 0;
  for (const v of values) s += (v * (v - 1)) / 2;
  return s;
}

/**
 * Adjusted Rand index as scikit-learn's `adjusted_rand_score` (pair-confusion form; 1 when both
 * labelings put every pair the same way, e.g. one cluster each or all singletons each).
 */
export function ari(labels: Int32Array, preds: Int32Array): number {
  check(labels, preds);
  const { table, a, b, n } = contingency(labels, preds);
  const sumNij = sumPairs(table);
  const sumA = sumPairs(a);
  const sumB = sumPairs(b);
  // Pair confusion (ordered pairs, as sklearn): tp = 2Σnij², fp = 2(ΣC(b) − ΣC(nij)), ...
  const tp = 2 * sumNij;
  const fp = 2 * (sumB - sumNij);
  const fn = 2 * (sumA - sumNij);
  const tn = n * (n - 1) - tp - fp - fn;
  if (fn === 0 && fp === 0) return 1;
  return (2 * (tp * tn - fn * fp)) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

/** Fowlkes–Mallows index as scikit-learn's `fowlkes_mallows_score`: TP / √((TP+FP)(TP+FN)) over pairs. */
export function fowlkesMallows(labels: Int32Array, preds: Int32Array): number {
  check(labels, preds);
  const { table, a, b } = contingency(labels, preds);
  const tk = 2 * sumPairs(table);
  const pk = 2 * sumPairs(b);
  const qk = 2 * sumPairs(a);
  return tk === 0 ? 0 : Math.sqrt(tk / pk) * Math.sqrt(tk / qk);
}

/**
 * Expected mutual information of two labelings with these marginals under the hypergeometric
 * (permutation) model, as scikit-learn's `expected_mutual_information`. Each (i, j) sum runs over the
 * hypergeometric pmf of n_ij from its mode outwards through the pmf's ratio recurrence, stopping
 * where terms fall below 1e-18 of the peak: exact to double precision and fast at N = 1.3 million,
 * K = 1000 (the mass lies within a few standard deviations of a_i·b_j/N).
 */
export function expectedMutualInformation(a: Float64Array, b: Float64Array, n: number): number {
  let emi = 0;
  const lgN = logGamma(n + 1);
  for (const ai of a) {
    if (ai === 0) continue;
    for (const bj of b) {
      if (bj === 0) continue;
      const lo = Math.max(1, ai + bj - n);
      const hi = Math.min(ai, bj);
      if (lo > hi) continue;
      const mode = Math.min(hi, Math.max(lo, Math.floor(((ai + 1) * (bj + 1)) / (n + 2))));
      const logPmf = (k: number): number =>
        logGamma(ai + 1) +
        logGamma(bj + 1) +
        logGamma(n - ai + 1) +
        logGamma(n - bj + 1) -
        lgN -
        logGamma(k + 1) -
        logGamma(ai - k + 1) -
        logGamma(bj - k + 1) -
        logGamma(n - ai - bj + k + 1);
      const term = (k: number, pmf: number): number => (k / n) * Math.log((n * k) / (ai * bj)) * pmf;
      const p0 = Math.exp(logPmf(mode));
      emi += term(mode, p0);
      // Upwards: pmf(k+1)/pmf(k) = (a−k)(b−k) / ((k+1)(N−a−b+k+1)).
      let p = p0;
      for (let k = mode; k < hi; k++) {
        p *= ((ai - k) * (bj - k)) / ((k + 1) * (n - ai - bj + k + 1));
        if (p < 1e-18 * p0) break;
        emi += term(k + 1, p);
      }
      p = p0;
      for (let k = mode; k > lo; k--) {
        p *= (k * (n - ai - bj + k)) / ((ai - k + 1) * (bj - k + 1));
        if (p < 1e-18 * p0) break;
        emi += term(k - 1, p);
      }
    }
  }
  return emi;
}

/**
 * Adjusted mutual information with arithmetic normalisation, as scikit-learn's
 * `adjusted_mutual_info_score`: (MI − E[MI]) / (mean(H(U), H(V)) − E[MI]), 1 when both labelings have a
 * single cluster, the denominator kept at least one machine epsilon from 0.
 */
export function ami(labels: Int32Array, preds: Int32Array): number {
  check(labels, preds);
  const { table, k, c, a, b, n } = contingency(labels, preds);
  const used = (x: Float64Array): number => x.reduce((m, v) => m + (v > 0 ? 1 : 0), 0);
  if (used(a) === 1 && used(b) === 1) return 1;
  let mi = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < c; j++) {
      const nij = table[i * c + j]!;
      if (nij > 0) mi += (nij / n) * Math.log((n * nij) / (a[i]! * b[j]!));
    }
  const emi = expectedMutualInformation(a, b, n);
  const normalizer = (entropy(a, n) + entropy(b, n)) / 2;
  // MI equal to its expectation (e.g. all singletons on both sides): 0, not rounding noise over eps.
  if (Math.abs(mi - emi) <= 1e-12 * Math.max(1, mi)) return 0;
  let denominator = normalizer - emi;
  denominator =
    denominator < 0 ? Math.min(denominator, -Number.EPSILON) : Math.max(denominator, Number.EPSILON);
  return (mi - emi) / denominator;
}
