// Original file: proto/cluster.proto

import type { Bundle as _twist_v1_Bundle, Bundle__Output as _twist_v1_Bundle__Output } from '../../twist/v1/Bundle.js';

export interface PendingDemand {
  'kind'?: (string);
  'id'?: (string);
  'bundles'?: (_twist_v1_Bundle)[];
  'strategy'?: (string);
  'sinceMs'?: (number | string);
}

export interface PendingDemand__Output {
  'kind': (string);
  'id': (string);
  'bundles': (_twist_v1_Bundle__Output)[];
  'strategy': (string);
  'sinceMs': (number);
}
