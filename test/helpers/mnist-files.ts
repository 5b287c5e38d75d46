import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** IDX bytes: magic 0x0000_08_nd, big-endian dims, values. */
export function idxBytes(dims: number[], values: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  const out = new Uint8Array(header.length + values.length);
  out.set(header);
  out.set(values, header.length);
  return out;
}

/**
 * Writes a small MNIST-format dataset (gzipped IDX) to a new temporary directory: `count` images of
 * `size`² pixels in `classes` classes, each class a distinct bright square, plus noise.
 */
export function writeMnistDir(count: number, size = 12, classes = 4, seed = 1): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twist-mnist-'));
  let s = seed;
  const rand = (): number => (s = (s * 1103515245 + 12345) >>> 0) / 4294967296;
  for (const split of ['train', 't10k']) {
    const images = new Uint8Array(count * size * size);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const c = i % classes;
      labels[i] = c;
      const q = Math.floor(size / 2);
      const oy = c < 2 ? 0 : q;
      const ox = c % 2 === 0 ? 0 : q;
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          const inside = y >= oy && y < oy + q && x >= ox && x < ox + q;
          images[i * size * size + y * size + x] = Math.min(
            255,
            (inside ? 200 : 20) + Math.floor(rand() * 40),
          );
        }
    }
    writeFileSync(
      path.join(dir, `${split}-images-idx3-ubyte.gz`),
      gzipSync(idxBytes([count, size, size], images)),
    );
    writeFileSync(path.join(dir, `${split}-labels-idx1-ubyte.gz`), gzipSync(idxBytes([count], labels)));
  }
  return dir;
}
