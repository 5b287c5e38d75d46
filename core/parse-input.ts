import type { z } from 'zod';
import { InvalidArgumentError } from './errors.js';

const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function fail(issue: z.core.$ZodIssue, what: string, wire: boolean): never {
  let field = '';
  for (const k of issue.path) {
    if (typeof k === 'number') field += `[${k}]`;
    else field += `${field ? '.' : ''}${wire && /^[a-z]/.test(String(k)) ? snake(String(k)) : String(k)}`;
  }
  throw new InvalidArgumentError(`${what}: ${field || 'value'}: ${issue.message}`);
}

/**
 * Validates a request with its schema. @throws InvalidArgumentError naming the first bad field in
 * the wire's spelling (`resources.GPU`, `bundles[1].resources.CPU`) and what is wrong with it.
 */
export function parseRequest<S extends z.ZodType>(schema: S, req: unknown, what: string): z.output<S> {
  const r = schema.safeParse(req);
  return r.success ? r.data : fail(r.error.issues[0]!, what, true);
}

/**
 * Validates a process's or an actor's configuration at its edge. @throws InvalidArgumentError
 * naming the first bad field as the config spells it (`batchSize`, `health.periodMs`).
 */
export function parseConfig<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  return r.success ? r.data : fail(r.error.issues[0]!, what, false);
}
