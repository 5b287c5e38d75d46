import { z } from 'zod';

/** Named quantities: `CPU`, `GPU`, `memory` (bytes), or custom names. */
export type Resources = Record<string, number>;

/** Resource names: a letter, then letters, digits, `_.-/`; 64 characters at most. */
export const ResourceNameSchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_.\-/]{0,63}$/,
    'a resource name is a letter then letters, digits or _.-/ (64 at most)',
  );

/** At most this many distinct resources in one request or node. */
export const MAX_RESOURCE_KINDS = 64;

/**
 * A resource map as the wire carries it: amounts finite and non-negative, `GPU` a whole number.
 * Zero amounts are dropped.
 */
export const ResourcesSchema = z
  .record(ResourceNameSchema, z.number().finite('must be finite').nonnegative('must not be negative'))
  .superRefine((r, ctx) => {
    if (Object.keys(r).length > MAX_RESOURCE_KINDS)
      ctx.addIssue({ code: 'custom', message: `more than ${MAX_RESOURCE_KINDS} resources` });
    const gpu = r['GPU'];
    if (gpu !== undefined && !Number.isInteger(gpu))
      ctx.addIssue({ code: 'custom', path: ['GPU'], message: `GPUs are whole devices, got ${gpu}` });
  })
  .transform((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v > 0)) as Resources);

const EPS = 1e-9;

/** Whether `req` fits in `avail` (a missing resource counts as 0). */
export function fits(req: Resources, avail: Resources): boolean {
  for (const [k, v] of Object.entries(req)) if (v > (avail[k] ?? 0) + EPS) return false;
  return true;
}

/** `a - b` (new object; amounts clamped at 0 against rounding). */
export function subtract(a: Resources, b: Resources): Resources {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = Math.max(0, (out[k] ?? 0) - v);
  return out;
}

/** `a + b` (new object), capped at `cap` when given. */
export function add(a: Resources, b: Resources, cap?: Resources): Resources {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const s = (out[k] ?? 0) + v;
    out[k] = cap ? Math.min(s, cap[k] ?? s) : s;
  }
  return out;
}

/** Sum of several resource maps. */
export const sum = (rs: readonly Resources[]): Resources => rs.reduce<Resources>((a, r) => add(a, r), {});

/** `CPU: 2, GPU: 1` for messages. */
export const formatResources = (r: Resources): string =>
  Object.entries(r)
    .map(([k, v]) => `${k}: ${k === 'memory' ? `${(v / 2 ** 30).toFixed(1)} GiB` : v}`)
    .join(', ') || 'nothing';
