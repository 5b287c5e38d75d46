// Original file: proto/collective.proto

import type { Long } from '@grpc/proto-loader';

export interface Frame {
  'op'?: (number | string | Long);
  'step'?: (number);
  'chunk'?: (number);
  'data'?: (Buffer | Uint8Array | string);
}

export interface Frame__Output {
  'op': (number);
  'step': (number);
  'chunk': (number);
  'data': (Buffer);
}
