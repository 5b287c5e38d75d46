// Original file: proto/cluster.proto

import type { GpuInfo as _twist_v1_GpuInfo, GpuInfo__Output as _twist_v1_GpuInfo__Output } from '../../twist/v1/GpuInfo.js';

export interface NodeInfo {
  'nodeId'?: (string);
  'address'?: (string);
  'state'?: (string);
  'total'?: ({[key: string]: number | string});
  'available'?: ({[key: string]: number | string});
  'labels'?: ({[key: string]: string});
  'gpus'?: (_twist_v1_GpuInfo)[];
  'lastSeenMs'?: (number | string);
  'deathCause'?: (string);
  'hostname'?: (string);
  'metricsAddress'?: (string);
}

export interface NodeInfo__Output {
  'nodeId': (string);
  'address': (string);
  'state': (string);
  'total': ({[key: string]: number});
  'available': ({[key: string]: number});
  'labels': ({[key: string]: string});
  'gpus': (_twist_v1_GpuInfo__Output)[];
  'lastSeenMs': (number);
  'deathCause': (string);
  'hostname': (string);
  'metricsAddress': (string);
}
