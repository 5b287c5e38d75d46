import sharp from 'sharp';
import { readdirSync, readFileSync } from 'node:fs';
sharp.concurrency(1);
const dir = '.tmp/loader-jpegs/class0';
const files = readdirSync(dir).slice(0, 60).map((f) => `${dir}/${f}`);
const bufs = files.map((f) => readFileSync(f));
const variants = {
  full: (f) => sharp(f, { failOn: 'error' }).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true }),
  noColour: (f) => sharp(f, { failOn: 'error' }).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true }),
  plain: (f) => sharp(f).raw().toBuffer({ resolveWithObject: true }),
  seq: (f) => sharp(f, { failOn: 'error', sequentialRead: true }).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true }),
  buf: (f, i) => sharp(bufs[i % bufs.length], { failOn: 'error' }).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true }),
};
for (let rep = 0; rep < 2; rep++)
for (const [k, fn] of Object.entries(variants)) {
  const t = performance.now();
  for (let i = 0; i < files.length; i++) await fn(files[i], i);
  console.log(k, ((performance.now() - t) / files.length).toFixed(2), 'ms');
}
