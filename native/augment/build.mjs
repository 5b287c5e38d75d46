#!/usr/bin/env node
// Builds the augmentations' native inner loops (run by `npm install` / `npm ci`, or
// `npm run build:native`). Never fails the install: without a C++ compiler, or when the build
// fails, it says so and the augmentations run their TypeScript form. Writes build/status.json.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { giveUp, nodedirArgs, nodeGyp, writeStatus } from '../addon-build.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const strict = process.argv.includes('--strict');

const give = (reason) =>
  giveUp(here, 'native augmentations unavailable (the TypeScript ones run)', reason, strict);
const status = (s) => writeStatus(here, s);

const gyp = nodeGyp();
if (!gyp) give('node-gyp not found (it comes with npm)');
const r = spawnSync(process.execPath, [gyp, 'rebuild', ...nodedirArgs(), '--jobs=max'], {
  cwd: here,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: process.env,
});
if (r.status !== 0) give(`the addon build failed (node-gyp exit ${r.status}); see the output above`);
status({ built: true });
console.error('twist: native augmentations built: native/augment/build/Release/twist_augment.node');
