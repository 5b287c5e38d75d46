import { InvalidArgumentError } from './errors.js';

/**
 * A small seeded PRNG (xoshiro128**, seeded through splitmix32): reproducible initialisation,
 * augmentation and shuffling, independent of the compute backend.
 */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** The generator's state: four 32-bit words and the cached second normal (NaN when none). */
  getState(): { words: Uint32Array; spare: number } {
    return { words: Uint32Array.of(this.s0, this.s1, this.s2, this.s3), spare: this.spare ?? NaN };
  }

  /**
   * Restores a state from {@link getState}: the draws that follow are the ones that followed then.
   * @throws InvalidArgumentError on a state that is not four words, or all zero (xoshiro's fixed point).
   */
  setState(state: { words: ArrayLike<number>; spare: number }): void {
    const w = state.words;
    if (w.length !== 4 || [0, 1, 2, 3].every((i) => w[i]! >>> 0 === 0))
      throw new InvalidArgumentError(
        `Random.setState: expected four words not all zero, got [${Array.from(w).join(',')}]`,
      );
    [this.s0, this.s1, this.s2, this.s3] = [w[0]! >>> 0, w[1]! >>> 0, w[2]! >>> 0, w[3]! >>> 0];
    this.spare = Number.isNaN(state.spare) ? undefined : state.spare;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle of `arr` in place; returns it. */
  shuffle<T extends { length: number; [i: number]: number }>(arr: T): T {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = arr[i]!;
      arr[i] = arr[j]!;
      arr[j] = t;
    }
    return arr;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
