// Original file: proto/cluster.proto

import type { GpuInfo as _twist_v1_GpuInfo, GpuInfo__Output as _twist_v1_GpuInfo__Output } from '../../twist/v1/GpuInfo.js';
import type { HostedActor as _twist_v1_HostedActor, HostedActor__Output as _twist_v1_HostedActor__Output } from '../../twist/v1/HostedActor.js';

export interface RegisterNodeRequest {
  'nodeId'?: (string);
  'address'?: (string);
  'resources'?: ({[key: string]: number | string});
  'labels'?: ({[key: string]: string});
  'gpus'?: (_twist_v1_GpuInfo)[];
  'actors'?: (_twist_v1_HostedActor)[];
  'hostname'?: (string);
  'metricsAddress'?: (string);
}

export interface RegisterNodeRequest__Output {
  'nodeId': (string);
  'address': (string);
  'resources': ({[key: string]: number});
  'labels': ({[key: string]: string});
  'gpus': (_twist_v1_GpuInfo__Output)[];
  'actors': (_twist_v1_HostedActor__Output)[];
  'hostname': (string);
  'metricsAddress': (string);
}
