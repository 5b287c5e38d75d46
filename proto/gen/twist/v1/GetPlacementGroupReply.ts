// Original file: proto/cluster.proto

import type { PlacementGroupInfo as _twist_v1_PlacementGroupInfo, PlacementGroupInfo__Output as _twist_v1_PlacementGroupInfo__Output } from '../../twist/v1/PlacementGroupInfo.js';

export interface GetPlacementGroupReply {
  'placementGroup'?: (_twist_v1_PlacementGroupInfo | null);
}

export interface GetPlacementGroupReply__Output {
  'placementGroup': (_twist_v1_PlacementGroupInfo__Output | null);
}
