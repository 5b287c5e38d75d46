import { InvalidArgumentError } from '../core/index.js';

export interface SafetensorsEntry {
  name: string;
  dtype: 'F32' | 'I64';
  shape: number[];
  /** F32 values, or integer values for I64. */
  data: Float32Array | BigInt64Array;
}

/**
 * Serialises tensors in the safetensors format: an 8-byte little-endian header length, a JSON header
 * (`{name: {dtype, shape, data_offsets}}` plus `__metadata__`, padded with spaces to 8 bytes), then the
 * little-endian data in header order.
 * @throws InvalidArgumentError on duplicate names or a size that does not match the shape.
 */
export function encodeSafetensors(
  entries: SafetensorsEntry[],
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const e of entries) {
    if (e.name in header) throw new InvalidArgumentError(`safetensors: duplicate tensor ${e.name}`);
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (count !== e.data.length)
      throw new InvalidArgumentError(
        `safetensors: ${e.name} has ${e.data.length} values for shape [${e.shape.join(',')}]`,
      );
    const bytes = e.data.byteLength;
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let o = 8 + head.length;
  for (const e of entries) {
    out.set(new Uint8Array(e.data.buffer, e.data.byteOffset, e.data.byteLength), o);
    o += e.data.byteLength;
  }
  return out;
}
