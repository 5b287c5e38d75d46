// Original file: proto/cluster.proto

import type { Bundle as _twist_v1_Bundle, Bundle__Output as _twist_v1_Bundle__Output } from '../../twist/v1/Bundle.js';

export interface CreatePlacementGroupRequest {
  'jobId'?: (string);
  'bundles'?: (_twist_v1_Bundle)[];
  'strategy'?: (string);
  'name'?: (string);
}

export interface CreatePlacementGroupRequest__Output {
  'jobId': (string);
  'bundles': (_twist_v1_Bundle__Output)[];
  'strategy': (string);
  'name': (string);
}
