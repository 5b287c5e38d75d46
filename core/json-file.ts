import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { DataFileCorruptError, DataFileMissingError } from './errors.js';

/**
 * Reads a JSON file and validates it with `schema`.
 * @throws DataFileMissingError when the file cannot be read; DataFileCorruptError naming the file
 * and the first field at fault (or the JSON syntax error).
 */
export async function readJsonFile<T>(file: string, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    if (err instanceof SyntaxError)
      throw new DataFileCorruptError(`${file}: not valid JSON (${err.message})`, { cause: err });
    throw new DataFileMissingError(`${file}: cannot read (${(err as Error).message})`, { cause: err });
  }
  return parseDocument(schema, raw, file);
}

/**
 * Validates `value` (read from `where`, a file or a field of one) with `schema`.
 * @throws DataFileCorruptError naming `where` and the first field at fault.
 */
export function parseDocument<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DataFileCorruptError(`${where}: ${issue.path.join('.') || 'document'}: ${issue.message}`);
  }
  return parsed.data;
}
