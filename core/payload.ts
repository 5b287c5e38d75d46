import v8 from 'node:v8';
import { InvalidArgumentError } from './errors.js';

/** The largest chunk a payload travels in (one gRPC message each). */
export const PAYLOAD_CHUNK_BYTES = 1 << 20;

/**
 * Encodes an actor call's argument or result: v8 structured clone (numbers, strings, arrays,
 * plain objects, Map/Set, Date, typed arrays as raw bytes). @throws InvalidArgumentError for a
 * value that cannot be cloned (functions, class instances with private state).
 */
export function encodePayload(value: unknown): Buffer {
  try {
    return v8.serialize(value);
  } catch (err) {
    throw new InvalidArgumentError(`value cannot be sent: ${(err as Error).message}`, { cause: err });
  }
}

/** Decodes {@link encodePayload}'s bytes. @throws InvalidArgumentError for bytes that do not decode. */
export function decodePayload(bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  try {
    return v8.deserialize(bytes);
  } catch (err) {
    throw new InvalidArgumentError(
      `payload of ${bytes.length} bytes does not decode: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/** Splits bytes into views of at most `size` bytes (no copy); an empty payload is one empty chunk. */
export function chunksOf(bytes: Buffer, size = PAYLOAD_CHUNK_BYTES): Buffer[] {
  if (bytes.length === 0) return [bytes];
  const out: Buffer[] = [];
  for (let o = 0; o < bytes.length; o += size) out.push(bytes.subarray(o, Math.min(bytes.length, o + size)));
  return out;
}
