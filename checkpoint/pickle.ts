import { InvalidArgumentError } from '../core/index.js';

/** A numpy array to pickle: little-endian `<f4` or `<i8` data of `shape`. */
export interface NumpyArray {
  kind: 'ndarray';
  dtype: 'f4' | 'i8';
  shape: number[];
  data: Float32Array | BigInt64Array;
}

/** The values {@link encodePickle} writes. */
export type PickleValue = string | boolean | null | number | NumpyArray | { [key: string]: PickleValue };

const OP = {
  PROTO: 0x80,
  STOP: 0x2e,
  MARK: 0x28,
  EMPTY_DICT: 0x7d,
  SETITEMS: 0x75,
  BINUNICODE: 0x58,
  BININT: 0x4a,
  BINFLOAT: 0x47,
  NONE: 0x4e,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  TUPLE: 0x74,
  EMPTY_TUPLE: 0x29,
  GLOBAL: 0x63,
  REDUCE: 0x52,
  BUILD: 0x62,
  BINBYTES: 0x42,
} as const;

class Writer {
  private chunks: Uint8Array[] = [];
  private size = 0;

  byte(b: number): void {
    this.raw(Uint8Array.of(b));
  }

  raw(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }

  u32(n: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    this.raw(b);
  }

  result(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

/**
 * Serialises a value as a Python pickle (protocol 3), numpy arrays the way numpy pickles them
 * (`numpy.core.multiarray._reconstruct` + `__setstate__`), so that `pickle.load` gives the same
 * objects as numpy would have written, with numpy installed and nothing else.
 * @throws InvalidArgumentError on a number that is not a 32-bit integer or finite float, or an
 * array whose size does not match its shape.
 */
export function encodePickle(value: PickleValue): Uint8Array {
  const w = new Writer();
  w.byte(OP.PROTO);
  w.byte(3);
  const str = (s: string): void => {
    const b = Buffer.from(s, 'utf8');
    w.byte(OP.BINUNICODE);
    w.u32(b.length);
    w.raw(b);
  };
  const int = (n: number): void => {
    if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31)
      throw new InvalidArgumentError(`pickle: ${n} is not a 32-bit integer`);
    const b = new Uint8Array(5);
    b[0] = OP.BININT;
    new DataView(b.buffer).setInt32(1, n, true);
    w.raw(b);
  };
  const global = (module: string, name: string): void => {
    w.byte(OP.GLOBAL);
    w.raw(Buffer.from(`${module}\n${name}\n`, 'latin1'));
  };
  const tuple = (items: (() => void)[]): void => {
    if (items.length === 0) return void w.byte(OP.EMPTY_TUPLE);
    w.byte(OP.MARK);
    for (const i of items) i();
    w.byte(OP.TUPLE);
  };
  const array = (a: NumpyArray): void => {
    const count = a.shape.reduce((x, y) => x * y, 1);
    if (count !== a.data.length)
      throw new InvalidArgumentError(
        `pickle: array of ${a.data.length} values for shape [${a.shape.join(',')}]`,
      );
    // _reconstruct(ndarray, (0,), b'b') then __setstate__((1, shape, dtype, False, raw bytes))
    global('numpy.core.multiarray', '_reconstruct');
    tuple([() => global('numpy', 'ndarray'), () => tuple([() => int(0)]), () => bytes(Uint8Array.of(0x62))]);
    w.byte(OP.REDUCE);
    tuple([
      () => int(1),
      () => tuple(a.shape.map((d) => () => int(d))),
      () => {
        global('numpy', 'dtype');
        tuple([() => str(a.dtype), () => w.byte(OP.NEWFALSE), () => w.byte(OP.NEWTRUE)]);
        w.byte(OP.REDUCE);
        tuple([
          () => int(3),
          () => str('<'),
          () => w.byte(OP.NONE),
          () => w.byte(OP.NONE),
          () => w.byte(OP.NONE),
          () => int(-1),
          () => int(-1),
          () => int(0),
        ]);
        w.byte(OP.BUILD);
      },
      () => w.byte(OP.NEWFALSE),
      () => bytes(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength)),
    ]);
    w.byte(OP.BUILD);
  };
  const bytes = (b: Uint8Array): void => {
    w.byte(OP.BINBYTES);
    w.u32(b.length);
    w.raw(Uint8Array.from(b));
  };
  const put = (v: PickleValue): void => {
    if (v === null) w.byte(OP.NONE);
    else if (typeof v === 'boolean') w.byte(v ? OP.NEWTRUE : OP.NEWFALSE);
    else if (typeof v === 'string') str(v);
    else if (typeof v === 'number') {
      if (Number.isInteger(v)) int(v);
      else {
        if (!Number.isFinite(v)) throw new InvalidArgumentError(`pickle: ${v} is not a finite number`);
        const b = new Uint8Array(9);
        b[0] = OP.BINFLOAT;
        new DataView(b.buffer).setFloat64(1, v, false);
        w.raw(b);
      }
    } else if ('kind' in v && v.kind === 'ndarray') array(v as NumpyArray);
    else {
      w.byte(OP.EMPTY_DICT);
      const entries = Object.entries(v as Record<string, PickleValue>);
      if (entries.length === 0) return;
      w.byte(OP.MARK);
      for (const [k, x] of entries) {
        str(k);
        put(x);
      }
      w.byte(OP.SETITEMS);
    }
  };
  put(value);
  w.byte(OP.STOP);
  return w.result();
}
