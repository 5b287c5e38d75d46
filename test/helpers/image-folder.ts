import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Random } from '../../core/index.js';

/**
 * A temporary ImageFolder: `classes` folders of `perClass` JPEGs of assorted sizes (colour fields
 * plus noise, different per class), and, with `corrupt`, one file in the first class that is not an
 * image. @returns its root.
 */
export async function writeImageFolder(classes: number, perClass: number, corrupt = false): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'twist-folder-'));
  const rng = new Random(3);
  for (let c = 0; c < classes; c++) {
    const dir = path.join(root, `class${c}`);
    mkdirSync(dir);
    for (let i = 0; i < perClass; i++) {
      const [w, h] = [40 + Math.floor(rng.next() * 40), 36 + Math.floor(rng.next() * 30)];
      const px = Buffer.alloc(w * h * 3);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const o = (y * w + x) * 3;
          px[o] = (x * (3 + c) + 40 * c + rng.next() * 30) & 255;
          px[o + 1] = (y * (5 + c) + rng.next() * 30) & 255;
          px[o + 2] = ((x + y) * 2 + 90 * c) & 255;
        }
      await sharp(px, { raw: { width: w, height: h, channels: 3 } })
        .jpeg({ quality: 85 })
        .toFile(path.join(dir, `img${i}.jpg`));
    }
  }
  if (corrupt) writeFileSync(path.join(root, 'class0', 'zz-corrupt.jpg'), Buffer.from('not an image'));
  return root;
}
