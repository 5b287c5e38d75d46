// Original file: proto/collective.proto

import type { Hello as _twist_v1_Hello, Hello__Output as _twist_v1_Hello__Output } from '../../twist/v1/Hello.js';
import type { Frame as _twist_v1_Frame, Frame__Output as _twist_v1_Frame__Output } from '../../twist/v1/Frame.js';

export interface StreamRequest {
  'hello'?: (_twist_v1_Hello | null);
  'frame'?: (_twist_v1_Frame | null);
  'kind'?: "hello"|"frame";
}

export interface StreamRequest__Output {
  'hello'?: (_twist_v1_Hello__Output | null);
  'frame'?: (_twist_v1_Frame__Output | null);
  'kind'?: "hello"|"frame";
}
