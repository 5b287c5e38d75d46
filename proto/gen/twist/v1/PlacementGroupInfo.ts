// Original file: proto/cluster.proto

import type { Bundle as _twist_v1_Bundle, Bundle__Output as _twist_v1_Bundle__Output } from '../../twist/v1/Bundle.js';

export interface PlacementGroupInfo {
  'placementGroupId'?: (string);
  'jobId'?: (string);
  'strategy'?: (string);
  'state'?: (string);
  'bundles'?: (_twist_v1_Bundle)[];
  'bundleNodes'?: (string)[];
  'name'?: (string);
}

export interface PlacementGroupInfo__Output {
  'placementGroupId': (string);
  'jobId': (string);
  'strategy': (string);
  'state': (string);
  'bundles': (_twist_v1_Bundle__Output)[];
  'bundleNodes': (string)[];
  'name': (string);
}
