// Original file: proto/actor.proto

import type { CallHeader as _twist_v1_CallHeader, CallHeader__Output as _twist_v1_CallHeader__Output } from '../../twist/v1/CallHeader.js';

export interface CallRequest {
  'seq'?: (number);
  'header'?: (_twist_v1_CallHeader | null);
  'data'?: (Buffer | Uint8Array | string);
  'last'?: (boolean);
  'cancel'?: (boolean);
}

export interface CallRequest__Output {
  'seq': (number);
  'header': (_twist_v1_CallHeader__Output | null);
  'data': (Buffer);
  'last': (boolean);
  'cancel': (boolean);
}
