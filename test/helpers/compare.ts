/** Normwise relative error max|a − b| / max|b| (0 when both are all zeros). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Deterministic pseudo-random floats in [−1, 1). */
export function randomValues(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = (s / 4294967296) * 2 - 1;
  }
  return out;
}

/** Where two arrays first differ bit for bit (`Object.is`), or 'none'. */
export function firstDifference(a: Float32Array, b: Float32Array): string {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  const i = a.findIndex((v, k) => !Object.is(v, b[k]));
  return i < 0 ? 'none' : `at ${i}: ${a[i]} and ${b[i]}`;
}

/**
 * Runs `f` with a compiled form switched off, then on (`use` switches it and returns the previous
 * setting, as `useNativeAugment` does), restoring the setting after; @returns both results.
 */
export function bothForms<T>(use: (on: boolean) => boolean, f: () => T): [T, T] {
  const was = use(false);
  try {
    const ts = f();
    use(true);
    return [ts, f()];
  } finally {
    use(was);
  }
}
