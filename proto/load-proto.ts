import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** The `.proto` files (they stay in the source tree; `dist/` has none). */
const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));

/**
 * The loader options `npm run gen:proto` generates the types with (`loader-options.json`; type
 * names there stand for the constructors protobufjs wants).
 */
const OPTIONS: protoLoader.Options = (() => {
  const raw = JSON.parse(readFileSync(`${PROTO_DIR}loader-options.json`, 'utf8')) as Record<string, unknown>;
  const ctor = (v: unknown): unknown => (v === 'Number' ? Number : v === 'String' ? String : v);
  return { ...raw, longs: ctor(raw['longs']), enums: ctor(raw['enums']) } as protoLoader.Options;
})();

/** Loads `proto/<name>.proto` into a gRPC package object; `T` is its generated `ProtoGrpcType`. */
export function loadProto<T>(name: string): T {
  const def = protoLoader.loadSync(`${PROTO_DIR}${name}.proto`, { ...OPTIONS, includeDirs: [PROTO_DIR] });
  return grpc.loadPackageDefinition(def) as unknown as T;
}
