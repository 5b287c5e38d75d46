import path from 'node:path';
import { Option, type Command } from 'commander';
import { intFlag, positiveFlag, readToken, type TlsFiles } from '../core/index.js';
import { defaultStateDir } from '../head/index.js';

/** Options every cluster command shares: the token and mutual TLS files. */
export interface ClusterFlags {
  tokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
}

/** Adds --token-file and --tls-* to a command. */
export function withClusterFlags(cmd: Command): Command {
  return cmd
    .option('--token-file <file>', 'cluster token file (default: TWIST_TOKEN, else <state-dir>/token)')
    .option('--tls-cert <file>', 'PEM certificate of this process (mutual TLS)')
    .option('--tls-key <file>', 'PEM private key of this process')
    .option('--tls-ca <file>', 'PEM CA that signs every certificate of the cluster');
}

export const tlsOf = (f: ClusterFlags): TlsFiles => ({ cert: f.tlsCert, key: f.tlsKey, ca: f.tlsCa });

/** The token for a client command: --token-file, TWIST_TOKEN, or the default head's token file. */
export const tokenOf = (f: ClusterFlags): string =>
  readToken(f.tokenFile, path.join(defaultStateDir(), 'token'));

/** A commander parser for a whole-number flag (≥ `min`). @throws InvalidArgumentError naming the flag. */
export const intOption =
  (flag: string, min = 0) =>
  (v: string): number =>
    intFlag(flag.replace(/^--/, ''), v, min)!;

/** A commander parser for a positive number flag. @throws InvalidArgumentError naming the flag. */
export const numberOption =
  (flag: string) =>
  (v: string): number =>
    positiveFlag(flag.replace(/^--/, ''), v)!;

/** `HOST:PORT` option. */
export const headOption = (): Option =>
  new Option('--head <host:port>', "the head's address").default('127.0.0.1:6380');
