import { InvalidArgumentError } from '../../core/index.js';

/**
 * Minimum-cost assignment (Hungarian method with potentials, O(n²·m)) for an n×m cost matrix,
 * n ≤ m, row-major. Returns, for each row, the column it is assigned to; every row gets a distinct
 * column. Same optimum as `scipy.optimize.linear_sum_assignment`.
 * @throws InvalidArgumentError when n > m or the matrix size does not match.
 */
export function linearSumAssignment(cost: Float64Array | number[], n: number, m: number): Int32Array {
  if (n > m) throw new InvalidArgumentError(`assignment needs rows ≤ columns, got ${n}×${m}`);
  if (cost.length !== n * m)
    throw new InvalidArgumentError(`cost matrix has ${cost.length} entries, expected ${n}×${m}`);
  const INF = Number.POSITIVE_INFINITY;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j]: row (1-based) matched to column j
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(INF);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = INF;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = cost[(i0 - 1) * m + (j - 1)]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!]! += delta;
          v[j]! -= delta;
        } else minv[j]! -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0);
  }
  const rowToCol = new Int32Array(n).fill(-1);
  for (let j = 1; j <= m; j++) if (p[j]! > 0) rowToCol[p[j]! - 1] = j - 1;
  return rowToCol;
}
