import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkRunMarker, RUN_MARKER_FILE, writeRunMarker } from '../../checkpoint/index.js';

test('a node that does not see the run directory the driver wrote is told so', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'twist-marker-'));
  const marker = await writeRunMarker(dir);
  await t.notThrowsAsync(checkRunMarker(dir, marker, 'node a'));
  const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'twist-marker-'));
  const missing = await t.throwsAsync(checkRunMarker(elsewhere, marker, 'node b'));
  t.regex(
    missing!.message,
    /is not the driver's on node b: .*\.twist-run cannot be read \(ENOENT\).*storage every worker reaches/,
  );
  writeFileSync(path.join(elsewhere, RUN_MARKER_FILE), 'another\n');
  const other = await t.throwsAsync(checkRunMarker(elsewhere, marker, 'node b'));
  t.regex(other!.message, /holds another run/);
});
