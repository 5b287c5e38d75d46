import {
  closeSync,
  fstatSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { IoError } from '../../core/index.js';
import { SCRATCH_PREFIX } from '../scratch-dirs.js';

/**
 * Whether `dir` can take handoff files from this process: an absolute path to one of the workers'
 * scratch directories (its name says so) that this process sees and that belongs to this user. A
 * caller's directory on another host, or in another container's tmpfs, is not seen here (its name
 * is unique), and a path that is not a scratch directory is never written to.
 */
export function canHandOffTo(dir: string): boolean {
  if (!path.isAbsolute(dir) || !path.basename(dir).startsWith(SCRATCH_PREFIX)) return false;
  try {
    const st = statSync(dir);
    return st.isDirectory() && (process.getuid === undefined || st.uid === process.getuid());
  } catch {
    return false;
  }
}

/**
 * Writes typed arrays into `dir` as one file named `name`: their bytes one after another, straight
 * from the arrays (no copy, no serialization). The file appears whole or not at all (it is written
 * as `name.part`, then renamed). @returns the file's path.
 * @throws IoError when it cannot be written (a full tmpfs: nothing is left behind).
 */
export function writeHandoff(dir: string, name: string, arrays: readonly ArrayBufferView[]): string {
  const file = path.join(dir, name);
  const part = `${file}.part`;
  let fd: number | undefined;
  try {
    fd = openSync(part, 'w', 0o600);
    for (const a of arrays) {
      const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      for (let o = 0; o < bytes.length;) o += writeSync(fd, bytes, o, bytes.length - o);
    }
    closeSync(fd);
    fd = undefined;
    renameSync(part, file);
    return file;
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    dropHandoff(part);
    throw new IoError(`handoff file ${file} not written: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Reads a handoff file of float32 arrays of the given element counts, in order, and deletes it.
 * @returns the arrays (each its own buffer).
 * @throws IoError when the file is missing or its size is not the arrays' (it is deleted anyway).
 */
export function takeHandoff(file: string, lengths: readonly number[]): Float32Array[] {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new IoError(`handoff file ${file} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  try {
    const want = lengths.reduce((s, n) => s + 4 * n, 0);
    const size = fstatSync(fd).size;
    if (size !== want)
      throw new IoError(
        `handoff file ${file} holds ${size} bytes; expected ${want} (${lengths.join(' + ')} floats)`,
      );
    return lengths.map((n) => {
      const out = new Float32Array(n);
      const bytes = new Uint8Array(out.buffer);
      for (let o = 0; o < bytes.length;) {
        const got = readSync(fd, bytes, o, bytes.length - o, null);
        if (got === 0) throw new IoError(`handoff file ${file} ended early`);
        o += got;
      }
      return out;
    });
  } finally {
    closeSync(fd);
    dropHandoff(file);
  }
}

/** Deletes a handoff file that will not be read (a missing one is fine). */
export function dropHandoff(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone: a reader took it, or its directory was removed with its process
  }
}
