import path from 'node:path';
import { Option, type Command } from 'commander';
import { InvalidArgumentError, readToken, type TlsFiles } from '../core/index.js';
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

/** Parses a whole number flag. @throws InvalidArgumentError naming the flag. */
export function intOption(flag: string, min = 0): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${flag}: expected a whole number ≥ ${min}, got '${v}'`);
    return n;
  };
}

/** Parses a positive number flag. */
export function numberOption(flag: string): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${flag}: expected a positive number, got '${v}'`);
    return n;
  };
}

/** `HOST:PORT` option. */
export const headOption = (): Option =>
  new Option('--head <host:port>', "the head's address").default('127.0.0.1:6380');
