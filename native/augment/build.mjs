#!/usr/bin/env node
// Builds the augmentations' native inner loops (run by `npm install` / `npm ci`, or
// `npm run build:native`). Never fails the install: without a C++ compiler, or when the build
// fails, it says so and the augmentations run their TypeScript form. Writes build/status.json.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlainAddon } from '../addon-build.mjs';

buildPlainAddon(
  path.dirname(fileURLToPath(import.meta.url)),
  'twist_augment.node',
  'native augmentations unavailable (the TypeScript ones run)',
  process.argv.includes('--strict'),
);
