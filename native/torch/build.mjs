#!/usr/bin/env node
// Builds the torch backend's addon (run by `npm install` / `npm ci`, or `npm run build:native`).
// Never fails the install: without libtorch, or when the build fails, it says so and the backend
// is simply unavailable (the wasm and cpu backends keep working). Writes build/status.json.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverLibtorch } from './discover.mjs';
import { giveUp, nodedirArgs, nodeGyp, writeStatus } from '../addon-build.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const at = args.indexOf('--libtorch');
if (at >= 0 && args[at + 1]) process.env.TWIST_LIBTORCH_DIR = path.resolve(args[at + 1]);
const strict = args.includes('--strict');

const give = (reason) => giveUp(here, 'the torch backend is unavailable', reason, strict);
const status = (s) => writeStatus(here, s);

let found;
try {
  found = discoverLibtorch();
} catch (err) {
  give(err.message);
}
if (!found)
  give('no libtorch found (set TWIST_LIBTORCH_DIR, install Debian libtorch-dev, or a python3 torch)');
const gyp = nodeGyp();
if (!gyp) give('node-gyp not found (it comes with npm)');
const nodedir = nodedirArgs();
console.error(
  `twist: building the torch backend against libtorch ${found.version} (${found.source}, ${found.libDir})`,
);
const r = spawnSync(process.execPath, [gyp, 'rebuild', ...nodedir, '--jobs=max'], {
  cwd: here,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: process.env,
});
if (r.status !== 0) give(`the addon build failed (node-gyp exit ${r.status}); see the output above`);
status({ built: true, libtorch: found });
console.error('twist: torch backend built: native/torch/build/Release/twist_torch.node');
