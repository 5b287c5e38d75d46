// What the addons' build scripts share: where node-gyp and Node's headers are, the status file,
// and giving up without failing the install.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The node-gyp that comes with npm (or a local one); undefined when there is none. */
export function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(here, '../node_modules/node-gyp/bin/node-gyp.js'),
    process.env.npm_execpath &&
      path.join(path.dirname(process.env.npm_execpath), '../node_modules/node-gyp/bin/node-gyp.js'),
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/share/nodejs/node-gyp/bin/node-gyp.js',
  ];
  return candidates.find((c) => c && fs.existsSync(c));
}

/**
 * `--nodedir` when this node was installed with its headers (Debian's nodejs, or a release
 * tarball); otherwise node-gyp fetches them.
 */
export function nodedirArgs() {
  const prefix = path.dirname(path.dirname(process.execPath));
  return fs.existsSync(path.join(prefix, 'include/node/node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

/** Writes `<dir>/build/status.json`: `s` and the time. */
export function writeStatus(dir, s) {
  fs.mkdirSync(path.join(dir, 'build'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'build/status.json'),
    JSON.stringify({ ...s, at: new Date().toISOString() }) + '\n',
  );
}

/** Prints `twist: <lead>: <reason>` and records the reason in `dir`'s status. */
export function recordFailure(dir, lead, reason) {
  console.error(`twist: ${lead}: ${reason}`);
  writeStatus(dir, { built: false, reason });
}

/**
 * {@link recordFailure}, then exits: 0 (an install never fails for an optional addon) unless
 * `strict` (`npm run build:native`).
 */
export function giveUp(dir, lead, reason, strict) {
  recordFailure(dir, lead, reason);
  process.exit(strict ? 1 : 0);
}

/**
 * Builds the plain Node-API addon in `dir` (its binding.gyp; no external library) with node-gyp,
 * records the status, and says so. When it cannot, `lead` names what is missing and the reason is
 * recorded; then it returns false, or exits 1 when `strict`.
 */
export function buildPlainAddon(dir, artifact, lead, strict) {
  const failed = (reason) => {
    if (strict) giveUp(dir, lead, reason, strict);
    recordFailure(dir, lead, reason);
    return false;
  };
  const gyp = nodeGyp();
  if (!gyp) return failed('node-gyp not found (it comes with npm)');
  const r = spawnSync(process.execPath, [gyp, 'rebuild', ...nodedirArgs(), '--jobs=max'], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: process.env,
  });
  if (r.status !== 0)
    return failed(`the addon build failed (node-gyp exit ${r.status}); see the output above`);
  writeStatus(dir, { built: true });
  console.error(
    `twist: ${artifact} built: ${path.relative(process.cwd(), path.join(dir, 'build/Release', artifact))}`,
  );
  return true;
}
