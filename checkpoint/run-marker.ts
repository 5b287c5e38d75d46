import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError } from '../core/index.js';
import { writeFileAtomic } from '../core/index.js';

/** The marker file a run's driver writes in its run directory. */
export const RUN_MARKER_FILE = '.twist-run';

/**
 * Writes a fresh random marker into `runDir` (atomically) for {@link checkRunMarker}.
 * @returns the marker. @throws IoError when the directory cannot be written.
 */
export async function writeRunMarker(runDir: string): Promise<string> {
  const marker = randomBytes(16).toString('hex');
  await writeFileAtomic(path.join(runDir, RUN_MARKER_FILE), `${marker}\n`);
  return marker;
}

/**
 * Checks that `where` (a node) sees the driver's run directory: its marker file holds `marker`.
 * @throws InvalidArgumentError naming the directory and `where` when it does not: the run directory
 * must be on storage every worker reaches.
 */
export async function checkRunMarker(runDir: string, marker: string, where: string): Promise<void> {
  const file = path.join(runDir, RUN_MARKER_FILE);
  const found = await readFile(file, 'utf8').catch(
    (err: NodeJS.ErrnoException) => `(${err.code ?? err.message})`,
  );
  if (found.trim() !== marker)
    throw new InvalidArgumentError(
      `run dir ${runDir} is not the driver's on ${where}: ${file} ${found.startsWith('(') ? `cannot be read ${found}` : 'holds another run'}; the run directory must be on storage every worker reaches (a shared path)`,
    );
}
