// Original file: proto/collective.proto

import type { Accept as _twist_v1_Accept, Accept__Output as _twist_v1_Accept__Output } from '../../twist/v1/Accept.js';
import type { Frame as _twist_v1_Frame, Frame__Output as _twist_v1_Frame__Output } from '../../twist/v1/Frame.js';

export interface StreamReply {
  'accept'?: (_twist_v1_Accept | null);
  'frame'?: (_twist_v1_Frame | null);
  'kind'?: "accept"|"frame";
}

export interface StreamReply__Output {
  'accept'?: (_twist_v1_Accept__Output | null);
  'frame'?: (_twist_v1_Frame__Output | null);
  'kind'?: "accept"|"frame";
}
