import { InvalidArgumentError, intFlag, numFlag, positiveFlag } from '../core/index.js';

/** Writes one JSON line of a benchmark's output. */
export type Emit = (o: object) => void;

/** A benchmark: the flags it takes and its body. */
export interface Bench {
  /** Every flag the benchmark reads, without the leading `--`. */
  readonly flags: readonly string[];
  run(args: BenchArgs, emit: Emit): Promise<void>;
}

/**
 * The flags of one benchmark run (`--flag value | --switch`), checked before the run starts: a
 * positional argument, a flag the benchmark does not take (a typo would otherwise run a long
 * benchmark on its default) or a value that is not a number where one is read is an error naming
 * the flag.
 */
export class BenchArgs {
  private constructor(
    private readonly bench: string,
    private readonly known: ReadonlySet<string>,
    private readonly values: ReadonlyMap<string, string>,
  ) {}

  /**
   * Parses `argv` (the arguments after the benchmark's name) for a benchmark taking `flags`.
   * @throws InvalidArgumentError on a positional argument or a flag not in `flags`.
   */
  static parse(bench: string, flags: readonly string[], argv: readonly string[]): BenchArgs {
    const known = new Set(flags);
    const values = new Map<string, string>();
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (!a.startsWith('--') || a.length === 2)
        throw new InvalidArgumentError(`${bench}: unexpected argument '${a}'`);
      const flag = a.slice(2);
      if (!known.has(flag)) {
        const takes = flags.length
          ? `it takes ${flags.map((f) => `--${f}`).join(', ')}`
          : 'it takes no flags';
        throw new InvalidArgumentError(`${bench}: unknown flag --${flag} (${takes})`);
      }
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        values.set(flag, next);
        i++;
      } else values.set(flag, 'true');
    }
    return new BenchArgs(bench, known, values);
  }

  /** Whether `--flag` was given. */
  has(flag: string): boolean {
    return this.get(flag) !== undefined;
  }

  /** The value of `--flag`, or undefined when absent (a switch reads `'true'`). */
  str(flag: string): string | undefined {
    return this.get(flag);
  }

  /** A whole number of at least `min` (default 1), or `dflt` when absent. @throws InvalidArgumentError naming the flag. */
  int(flag: string, dflt: number, min = 1): number {
    return intFlag(flag, this.get(flag), min) ?? dflt;
  }

  /** A positive number (a duration, say), or `dflt` when absent. @throws InvalidArgumentError naming the flag. */
  positive(flag: string, dflt: number): number {
    return positiveFlag(flag, this.get(flag)) ?? dflt;
  }

  /** A comma-separated list of positive numbers, or `dflt` when absent. @throws InvalidArgumentError naming the flag. */
  positives(flag: string, dflt: readonly number[]): number[] {
    const v = this.get(flag);
    if (v === undefined) return [...dflt];
    return v.split(',').map((s) => {
      const n = numFlag(flag, s)!;
      if (!(n > 0))
        throw new InvalidArgumentError(`--${flag}: expected positive numbers, got ${s} in '${v}'`);
      return n;
    });
  }

  /** One of `options`, or `dflt` when absent. @throws InvalidArgumentError naming the flag and the options. */
  choice<T extends string>(flag: string, options: readonly T[], dflt: T): T {
    const v = this.get(flag);
    if (v === undefined) return dflt;
    if (!(options as readonly string[]).includes(v))
      throw new InvalidArgumentError(`--${flag}: '${v}' is not one of ${options.join(', ')}`);
    return v as T;
  }

  private get(flag: string): string | undefined {
    if (!this.known.has(flag))
      throw new Error(`${this.bench} reads --${flag} but does not declare it among its flags`);
    return this.values.get(flag);
  }
}
