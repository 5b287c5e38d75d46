import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { writeFileAtomic } from './atomic-write.js';
import { InvalidArgumentError, UnauthenticatedError } from './errors.js';

/** Metadata key of the cluster token (`Bearer <token>`). */
export const AUTH_KEY = 'authorization';

/** Environment variable a worker, driver or CLI reads the token from when no file is given. */
export const TOKEN_ENV = 'TWIST_TOKEN';

/** A fresh cluster token: 32 random bytes, base64url. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Writes the token atomically with mode 0600. @throws IoError when the file cannot be written. */
export async function writeTokenFile(path: string, token: string): Promise<void> {
  await writeFileAtomic(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * The cluster token: from `file` when given, else `TWIST_TOKEN`, else `fallbackFile` when it exists.
 * @throws InvalidArgumentError when none is found or the file is empty/unreadable (named).
 */
export function readToken(file?: string, fallbackFile?: string): string {
  const fromFile = (p: string): string => {
    let text: string;
    try {
      text = readFileSync(p, 'utf8');
    } catch (err) {
      throw new InvalidArgumentError(`token file ${p}: ${(err as Error).message}`, { cause: err });
    }
    const t = text.trim();
    if (!t) throw new InvalidArgumentError(`token file ${p} is empty`);
    return t;
  };
  if (file) return fromFile(file);
  const env = process.env[TOKEN_ENV]?.trim();
  if (env) return env;
  if (fallbackFile) {
    try {
      return fromFile(fallbackFile);
    } catch {
      /* fall through to the message below */
    }
  }
  throw new InvalidArgumentError(
    `no cluster token: pass --token-file, or set ${TOKEN_ENV}${fallbackFile ? `, or have ${fallbackFile}` : ''}`,
  );
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Checks the call's token in constant time (both sides hashed, so lengths never leak).
 * @throws UnauthenticatedError when it is missing or wrong.
 */
export function checkToken(metadata: grpc.Metadata, expected: Buffer): void {
  const value = metadata.get(AUTH_KEY)[0];
  if (value === undefined) throw new UnauthenticatedError('missing cluster token');
  if (!tokenMatches(value.toString(), expected)) throw new UnauthenticatedError('wrong cluster token');
}

/**
 * Whether `given` (a token, or `Bearer <token>`) is the cluster token whose digest is `expected`;
 * compared in constant time over SHA-256 digests (lengths never leak).
 */
export function tokenMatches(given: string, expected: Buffer): boolean {
  const token = given.startsWith('Bearer ') ? given.slice(7) : given;
  return timingSafeEqual(digest(token), expected);
}

/** The digest a server compares tokens against. */
export const tokenDigest = digest;

/** A client interceptor that puts the token on every call (works on plain and TLS channels). */
export function tokenInterceptor(token: string): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set(AUTH_KEY, `Bearer ${token}`);
        next(metadata, listener);
      },
    });
}
