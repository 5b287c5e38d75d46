import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { IoError } from './errors.js';

/**
 * Writes `data` to `file` so that readers see either the old file or the whole new one: a temporary
 * file in the same directory, fsync, rename, fsync of the directory.
 * @throws IoError naming the file when any step fails; the temporary file is removed.
 */
export async function writeFileAtomic(
  file: string,
  data: Uint8Array | string,
  options: { mode?: number } = {},
): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'w', options.mode ?? 0o666);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    await fsyncDir(dir);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new IoError(`cannot write ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Flushes a directory's entries (a rename in it) to disk. Errors are the file system's. */
export async function fsyncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/** Creates `dir` (and its parents) if missing. @throws IoError naming the directory. */
export async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new IoError(`cannot create the directory ${dir}: ${(err as Error).message}`, { cause: err });
  }
}
