import { InvalidArgumentError } from '../../core/index.js';

/** How {@link BatchShares} adapts the replicas' shares of the global batch. */
export interface BatchSharesOptions {
  /**
   * Steps between a measurement and the step whose shares it sets: batches are requested that many
   * steps ahead, so a share must be fixed before then. Default 2 (a trainer's default prefetch).
   */
  lag?: number;
  /**
   * Measurements ignored after a {@link BatchShares.reset} (and at the start): a new ring's first
   * steps pay one-off costs (allocations, kernel choices, compiling) that say nothing of a replica's
   * speed. Default 2.
   */
  warmup?: number;
  /** Weight of the newest step in the moving average of each replica's seconds per image. Default 0.25. */
  smoothing?: number;
  /** The smallest share, as a fraction of an equal one (N/W). Default 0.5. */
  minFraction?: number;
  /**
   * Shares are multiples of this many images. A backend's first step on a new batch size pays for
   * it (the torch backend's fresh allocations: 0.1–1.3 s a size here), so the shares take few sizes. Default: the
   * largest power of two that divides N/W and is at most N/(16·W) (8 for 128 a replica), at least 1.
   */
  quantum?: number;
  /**
   * Steps that split equally whatever the measurements (the self-labeling phase, whose loss is each
   * replica's own mean, as the seed's per-GPU loss). Default none.
   */
  equalAt?: (step: number) => boolean;
}

/**
 * Each data-parallel replica's share of every step's global batch of N images, balanced to the
 * replicas' speeds. In a synchronous step every replica waits for the slowest at each of its
 * meetings (SyncBatchNorm's ~50 a step), so a replica on a slower core (or GPU) sets the pace of
 * all: here each replica takes a share in proportion to its measured speed (images per busy second,
 * the time blocked waiting for the others left out), so that all reach the meetings together. The
 * shares always sum to N and the share of step s is images [offset, offset + share) of step s's
 * global batch, so every image of an epoch is still used exactly once; the loss weights each
 * replica by its share (`twistLoss`), so the update is the global batch's whatever the split.
 *
 * Every replica keeps its own instance and feeds it the same measurements (gathered over the
 * group) in the same order, so all compute the same shares. A measurement of step s fixes the shares
 * from step s + lag on; until the first measurement past the warm-up (after a {@link reset}) every
 * step splits equally, and a step on which a replica ran a share size for the first time is not
 * measured (what that costs once is not its speed).
 */
export class BatchShares {
  private readonly lag: number;
  private readonly warmup: number;
  /** Measurements taken since the last reset. */
  private observed = 0;
  /** The share sizes each replica has run since the last reset. */
  private seen: Set<number>[];
  private readonly smoothing: number;
  private readonly minShare: number;
  readonly quantum: number;
  /** Moving average of each replica's seconds per image; undefined before the first measurement. */
  private perImage: number[] | undefined;
  /** Share changes: from step `from` on, `shares` (ascending `from`). */
  private changes: { from: number; shares: number[] }[] = [];
  private readonly equal: number[];
  private readonly equalAt: (step: number) => boolean;

  /**
   * @throws InvalidArgumentError when `global` is not a positive multiple of `world`, or an option is
   * out of range.
   */
  constructor(
    readonly global: number,
    readonly world: number,
    opts: BatchSharesOptions = {},
  ) {
    if (
      !Number.isInteger(world) ||
      world < 1 ||
      !Number.isInteger(global) ||
      global < world ||
      global % world
    )
      throw new InvalidArgumentError(
        `batch shares: a global batch of ${global} cannot be split equally over ${world} replicas`,
      );
    this.lag = opts.lag ?? 2;
    this.warmup = opts.warmup ?? 2;
    this.smoothing = opts.smoothing ?? 0.25;
    const minFraction = opts.minFraction ?? 0.5;
    if (!Number.isInteger(this.lag) || this.lag < 1)
      throw new InvalidArgumentError(`batch shares: lag must be a positive integer, got ${this.lag}`);
    if (!Number.isInteger(this.warmup) || this.warmup < 0)
      throw new InvalidArgumentError(
        `batch shares: warmup must be a whole number of steps, got ${this.warmup}`,
      );
    if (!(this.smoothing > 0 && this.smoothing <= 1))
      throw new InvalidArgumentError(`batch shares: smoothing must be in (0, 1], got ${this.smoothing}`);
    if (!(minFraction > 0 && minFraction <= 1))
      throw new InvalidArgumentError(`batch shares: minFraction must be in (0, 1], got ${minFraction}`);
    const equal = global / world;
    this.equal = new Array<number>(world).fill(equal);
    this.equalAt = opts.equalAt ?? (() => false);
    this.seen = Array.from({ length: world }, () => new Set<number>());
    let q = 1;
    while (equal % (2 * q) === 0 && 2 * q <= equal / 16) q *= 2;
    this.quantum = opts.quantum ?? q;
    if (!Number.isInteger(this.quantum) || this.quantum < 1 || equal % this.quantum)
      throw new InvalidArgumentError(
        `batch shares: quantum must be a positive integer dividing ${equal} (an equal share), got ${this.quantum}`,
      );
    this.minShare = this.quantum * Math.max(1, Math.ceil((minFraction * equal) / this.quantum));
  }

  /** The replicas' shares of step `step`'s global batch (positive integers summing to N, by rank). */
  at(step: number): readonly number[] {
    if (this.equalAt(step)) return this.equal;
    for (let i = this.changes.length - 1; i >= 0; i--)
      if (this.changes[i]!.from <= step) return this.changes[i]!.shares;
    return this.equal;
  }

  /** Replica `rank`'s images of step `step`: [offset, offset + count) of the step's global batch. */
  slice(step: number, rank: number): { offset: number; count: number } {
    const shares = this.at(step);
    let offset = 0;
    for (let r = 0; r < rank; r++) offset += shares[r]!;
    return { offset, count: shares[rank]! };
  }

  /**
   * Takes step `step`'s busy seconds of every replica (by rank: its step's time less what it spent
   * waiting for the others) and sets the shares of the steps from `step + lag` on. A step with a
   * replica's time not positive and finite is left out.
   * @throws InvalidArgumentError when `busy` does not hold one time per replica.
   */
  observe(step: number, busy: ArrayLike<number>): void {
    if (busy.length !== this.world)
      throw new InvalidArgumentError(`batch shares: ${busy.length} busy times for ${this.world} replicas`);
    const shares = this.at(step);
    const perImage = Array.from(busy, (s, r) => s / shares[r]!);
    if (perImage.some((t) => !(t > 0 && Number.isFinite(t)))) return;
    // A replica's first step on a share size pays for it once (fresh allocations: a few hundred ms
    // on the torch backend): measured, it would push the shares away and back again.
    let first = false;
    shares.forEach((n, r) => {
      if (!this.seen[r]!.has(n)) {
        this.seen[r]!.add(n);
        first = true;
      }
    });
    if (this.observed++ < this.warmup || first) return;
    const a = this.smoothing;
    this.perImage = this.perImage ? this.perImage.map((t, r) => (1 - a) * t + a * perImage[r]!) : perImage;
    const want = this.ideal(this.perImage.map((t) => 1 / t));
    const last = this.changes.at(-1)?.shares ?? this.equal;
    // Hysteresis: no change while every share is within 0.6 of a quantum of its ideal (nearer to it
    // than any other multiple, with a margin against the noise of one step).
    if (want.every((w, r) => Math.abs(w - last[r]!) < 0.6 * this.quantum)) return;
    const next = this.round(want);
    if (next.every((n, r) => n === last[r])) return;
    const from = step + this.lag;
    // Steps already fixed (requested ahead) keep their shares.
    this.changes = this.changes.filter((c) => c.from < from);
    this.changes.push({ from, shares: next });
    // What no step before `from` can ask for any more.
    const keepFrom = this.changes.findLastIndex((c) => c.from <= step);
    if (keepFrom > 0) this.changes = this.changes.slice(keepFrom);
  }

  /** Back to equal shares with no measurement (a new ring, a restored checkpoint). */
  reset(): void {
    this.perImage = undefined;
    this.changes = [];
    this.observed = 0;
    this.seen = this.seen.map(() => new Set<number>());
  }

  /** N split in proportion to `speeds`, each share at least the minimum (real numbers summing to N). */
  private ideal(speeds: number[]): number[] {
    const total = speeds.reduce((s, v) => s + v, 0);
    const proportional = speeds.map((v) => (this.global * v) / total);
    // Raise the shares under the minimum to it, and scale what the others have above it to fit.
    const free = this.global - this.minShare * this.world;
    const above = proportional.map((v) => Math.max(0, v - this.minShare));
    const sumAbove = above.reduce((s, v) => s + v, 0);
    return above.map((v) => this.minShare + (sumAbove > 0 ? (v * free) / sumAbove : free / this.world));
  }

  /**
   * Real shares summing to N rounded to multiples of the quantum by largest remainder (ties to the
   * lower rank): positive integers summing to N.
   */
  private round(want: number[]): number[] {
    const q = this.quantum;
    const units = want.map((v) => v / q);
    const out = units.map(Math.floor);
    let left = this.global / q - out.reduce((s, v) => s + v, 0);
    const order = units
      .map((v, r) => ({ r, frac: v - Math.floor(v) }))
      .sort((x, y) => y.frac - x.frac || x.r - y.r);
    for (const { r } of order) {
      if (left <= 0) break;
      out[r]!++;
      left--;
    }
    return out.map((u) => u * q);
  }
}
