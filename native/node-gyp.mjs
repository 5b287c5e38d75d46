// Where node-gyp and Node's headers are, for the addons' build scripts.
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
