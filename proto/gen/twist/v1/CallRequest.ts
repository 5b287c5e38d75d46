// Original file: proto/actor.proto

import type { CallHeader as _twist_v1_CallHeader, CallHeader__Output as _twist_v1_CallHeader__Output } from '../../twist/v1/CallHeader.js';

export interface CallRequest {
  'header'?: (_twist_v1_CallHeader | null);
  'chunk'?: (Buffer | Uint8Array | string);
  'kind'?: "header"|"chunk";
}

export interface CallRequest__Output {
  'header'?: (_twist_v1_CallHeader__Output | null);
  'chunk'?: (Buffer);
  'kind'?: "header"|"chunk";
}
