// Original file: proto/cluster.proto

import type { NodeInfo as _twist_v1_NodeInfo, NodeInfo__Output as _twist_v1_NodeInfo__Output } from '../../twist/v1/NodeInfo.js';
import type { ActorInfo as _twist_v1_ActorInfo, ActorInfo__Output as _twist_v1_ActorInfo__Output } from '../../twist/v1/ActorInfo.js';
import type { PlacementGroupInfo as _twist_v1_PlacementGroupInfo, PlacementGroupInfo__Output as _twist_v1_PlacementGroupInfo__Output } from '../../twist/v1/PlacementGroupInfo.js';
import type { PendingDemand as _twist_v1_PendingDemand, PendingDemand__Output as _twist_v1_PendingDemand__Output } from '../../twist/v1/PendingDemand.js';
import type { JobInfo as _twist_v1_JobInfo, JobInfo__Output as _twist_v1_JobInfo__Output } from '../../twist/v1/JobInfo.js';

export interface GetClusterStatusReply {
  'nodes'?: (_twist_v1_NodeInfo)[];
  'actors'?: (_twist_v1_ActorInfo)[];
  'placementGroups'?: (_twist_v1_PlacementGroupInfo)[];
  'pending'?: (_twist_v1_PendingDemand)[];
  'jobs'?: (_twist_v1_JobInfo)[];
  'headInstance'?: (string);
  'unauthenticatedTotal'?: (number | string);
}

export interface GetClusterStatusReply__Output {
  'nodes': (_twist_v1_NodeInfo__Output)[];
  'actors': (_twist_v1_ActorInfo__Output)[];
  'placementGroups': (_twist_v1_PlacementGroupInfo__Output)[];
  'pending': (_twist_v1_PendingDemand__Output)[];
  'jobs': (_twist_v1_JobInfo__Output)[];
  'headInstance': (string);
  'unauthenticatedTotal': (number);
}
