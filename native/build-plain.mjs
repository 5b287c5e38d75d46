#!/usr/bin/env node
// Builds the project's plain Node-API addons (no external library), each in native/<name>/:
// `node native/build-plain.mjs NAME... [--strict]`, run by `npm install` / `npm ci` (and
// `npm run build:native`, strict). Never fails the install: without a C++ compiler, or when a build
// fails, it says so and the TypeScript form of that part runs. Writes native/<name>/build/status.json.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlainAddon } from './addon-build.mjs';

/** The plain addons: what each builds, and what runs without it. */
const ADDONS = {
  augment: {
    artifact: 'twist_augment.node',
    lead: 'native augmentations unavailable (the TypeScript ones run)',
  },
  collective: {
    artifact: 'twist_collective.node',
    lead: 'native collective data plane unavailable (the TypeScript one runs)',
  },
  optim: {
    artifact: 'twist_optim.node',
    lead: 'native optimizer loops unavailable (the TypeScript ones run)',
  },
};

const here = path.dirname(fileURLToPath(import.meta.url));
const strict = process.argv.includes('--strict');
const names = process.argv.slice(2).filter((a) => a !== '--strict');
const unknown = names.filter((n) => !(n in ADDONS));
if (unknown.length > 0) {
  console.error(`twist: no plain addon ${unknown.join(', ')} (known: ${Object.keys(ADDONS).join(', ')})`);
  process.exit(2);
}
// Each is built even when one before it could not be (the install goes on either way).
for (const name of names) {
  const { artifact, lead } = ADDONS[name];
  buildPlainAddon(path.join(here, name), artifact, lead, strict);
}
