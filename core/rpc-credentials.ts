import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { InvalidArgumentError } from './errors.js';

/**
 * Mutual TLS files (PEM). All three or none: with them every server asks for and verifies a client
 * certificate signed by `ca`, and every client verifies the server's.
 */
export interface TlsFiles {
  cert?: string | undefined;
  key?: string | undefined;
  ca?: string | undefined;
}

/** The PEM contents of {@link TlsFiles}. */
export interface TlsPem {
  cert: Buffer;
  key: Buffer;
  ca: Buffer;
}

/**
 * Reads the TLS files (undefined when none is given).
 * @throws InvalidArgumentError when only some are given or one cannot be read.
 */
export function loadTls(tls: TlsFiles | undefined): TlsPem | undefined {
  if (!tls || (!tls.cert && !tls.key && !tls.ca)) return undefined;
  const read = (flag: string, p: string | undefined): Buffer => {
    if (!p) throw new InvalidArgumentError(`--tls-${flag} is required with the other --tls-* flags`);
    try {
      return readFileSync(p);
    } catch (err) {
      throw new InvalidArgumentError(`--tls-${flag} ${p}: ${(err as Error).message}`, { cause: err });
    }
  };
  return { cert: read('cert', tls.cert), key: read('key', tls.key), ca: read('ca', tls.ca) };
}

/** Server credentials: insecure without TLS files, else mutual TLS. @throws InvalidArgumentError. */
export function serverCredentials(tls?: TlsFiles): grpc.ServerCredentials {
  const pem = loadTls(tls);
  if (!pem) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(pem.ca, [{ private_key: pem.key, cert_chain: pem.cert }], true);
}

/** Channel credentials: insecure without TLS files, else mutual TLS. @throws InvalidArgumentError. */
export function channelCredentials(tls?: TlsFiles): grpc.ChannelCredentials {
  const pem = loadTls(tls);
  if (!pem) return grpc.credentials.createInsecure();
  return grpc.credentials.createSsl(pem.ca, pem.key, pem.cert);
}

/** Whether TLS files were given. */
export const tlsEnabled = (tls?: TlsFiles): boolean => Boolean(tls?.cert || tls?.key || tls?.ca);
