import { InvalidArgumentError } from './errors.js';

/** A numeric flag value, or undefined when absent. @throws InvalidArgumentError naming the flag. */
export function numFlag(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n))
    throw new InvalidArgumentError(`--${flag}: '${v}' is not a number`);
  return n;
}

/** A whole-number flag of at least `min` (default 1), or undefined when absent. @throws InvalidArgumentError naming the flag. */
export function intFlag(flag: string, v: string | undefined, min = 1): number | undefined {
  const n = numFlag(flag, v);
  if (n !== undefined && (!Number.isInteger(n) || n < min))
    throw new InvalidArgumentError(`--${flag}: expected a whole number ≥ ${min}, got ${v}`);
  return n;
}

/** A positive number flag (a duration, a rate), or undefined when absent. @throws InvalidArgumentError naming the flag. */
export function positiveFlag(flag: string, v: string | undefined): number | undefined {
  const n = numFlag(flag, v);
  if (n !== undefined && !(n > 0))
    throw new InvalidArgumentError(`--${flag}: expected a positive number, got ${v}`);
  return n;
}
