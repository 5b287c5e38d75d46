#!/usr/bin/env node
// Builds the collective's native data plane (run by `npm install` / `npm ci`, or
// `npm run build:native`). Never fails the install: without a C++ compiler, or when the build
// fails, it says so and the ring moves its frames in TypeScript. Writes build/status.json.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlainAddon } from '../addon-build.mjs';

buildPlainAddon(
  path.dirname(fileURLToPath(import.meta.url)),
  'twist_collective.node',
  'native collective data plane unavailable (the TypeScript one runs)',
  process.argv.includes('--strict'),
);
