import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { DataFileCorruptError, DataFileMissingError } from '../core/index.js';

/** An IDX array (the MNIST file format): big-endian dims, then the values. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

/**
 * Parses IDX bytes (`.gz` or raw) holding unsigned bytes.
 * @param file used in error messages only.
 * @throws DataFileCorruptError on a bad magic number, a type other than ubyte, a truncated file or
 * trailing bytes, naming the file.
 */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  let buf = bytes;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (err) {
      throw new DataFileCorruptError(`${file}: not a valid gzip stream (${(err as Error).message})`, {
        cause: err,
      });
    }
  }
  if (buf.length < 4)
    throw new DataFileCorruptError(`${file}: ${buf.length} bytes, too short for an IDX header`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint16(0) !== 0)
    throw new DataFileCorruptError(`${file}: bad IDX magic 0x${view.getUint32(0).toString(16)}`);
  const type = buf[2]!;
  const nd = buf[3]!;
  if (type !== UBYTE)
    throw new DataFileCorruptError(
      `${file}: IDX value type 0x${type.toString(16)} is not unsigned byte (0x08)`,
    );
  if (nd < 1 || nd > 4)
    throw new DataFileCorruptError(`${file}: IDX with ${nd} dimensions (expected 1 to 4)`);
  const header = 4 + 4 * nd;
  if (buf.length < header) throw new DataFileCorruptError(`${file}: truncated IDX header`);
  const dims: number[] = [];
  for (let i = 0; i < nd; i++) dims.push(view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const have = buf.length - header;
  if (have !== count) {
    throw new DataFileCorruptError(
      `${file}: IDX dims [${dims.join(', ')}] need ${count} values, the file has ${have}${have < count ? ' (truncated)' : ''}`,
    );
  }
  return { dims, data: buf.subarray(header) };
}

/**
 * Reads and parses an IDX file.
 * @throws DataFileMissingError when the file cannot be read; DataFileCorruptError as {@link parseIdx}.
 */
export async function readIdx(file: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new DataFileMissingError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseIdx(bytes, file);
}
