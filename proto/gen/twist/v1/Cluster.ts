// Original file: proto/cluster.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateActorReply as _twist_v1_CreateActorReply, CreateActorReply__Output as _twist_v1_CreateActorReply__Output } from '../../twist/v1/CreateActorReply.js';
import type { CreateActorRequest as _twist_v1_CreateActorRequest, CreateActorRequest__Output as _twist_v1_CreateActorRequest__Output } from '../../twist/v1/CreateActorRequest.js';
import type { CreatePlacementGroupReply as _twist_v1_CreatePlacementGroupReply, CreatePlacementGroupReply__Output as _twist_v1_CreatePlacementGroupReply__Output } from '../../twist/v1/CreatePlacementGroupReply.js';
import type { CreatePlacementGroupRequest as _twist_v1_CreatePlacementGroupRequest, CreatePlacementGroupRequest__Output as _twist_v1_CreatePlacementGroupRequest__Output } from '../../twist/v1/CreatePlacementGroupRequest.js';
import type { FinishJobReply as _twist_v1_FinishJobReply, FinishJobReply__Output as _twist_v1_FinishJobReply__Output } from '../../twist/v1/FinishJobReply.js';
import type { FinishJobRequest as _twist_v1_FinishJobRequest, FinishJobRequest__Output as _twist_v1_FinishJobRequest__Output } from '../../twist/v1/FinishJobRequest.js';
import type { GetActorReply as _twist_v1_GetActorReply, GetActorReply__Output as _twist_v1_GetActorReply__Output } from '../../twist/v1/GetActorReply.js';
import type { GetActorRequest as _twist_v1_GetActorRequest, GetActorRequest__Output as _twist_v1_GetActorRequest__Output } from '../../twist/v1/GetActorRequest.js';
import type { GetClusterStatusReply as _twist_v1_GetClusterStatusReply, GetClusterStatusReply__Output as _twist_v1_GetClusterStatusReply__Output } from '../../twist/v1/GetClusterStatusReply.js';
import type { GetClusterStatusRequest as _twist_v1_GetClusterStatusRequest, GetClusterStatusRequest__Output as _twist_v1_GetClusterStatusRequest__Output } from '../../twist/v1/GetClusterStatusRequest.js';
import type { GetPlacementGroupReply as _twist_v1_GetPlacementGroupReply, GetPlacementGroupReply__Output as _twist_v1_GetPlacementGroupReply__Output } from '../../twist/v1/GetPlacementGroupReply.js';
import type { GetPlacementGroupRequest as _twist_v1_GetPlacementGroupRequest, GetPlacementGroupRequest__Output as _twist_v1_GetPlacementGroupRequest__Output } from '../../twist/v1/GetPlacementGroupRequest.js';
import type { HeartbeatReply as _twist_v1_HeartbeatReply, HeartbeatReply__Output as _twist_v1_HeartbeatReply__Output } from '../../twist/v1/HeartbeatReply.js';
import type { HeartbeatRequest as _twist_v1_HeartbeatRequest, HeartbeatRequest__Output as _twist_v1_HeartbeatRequest__Output } from '../../twist/v1/HeartbeatRequest.js';
import type { JobHeartbeatReply as _twist_v1_JobHeartbeatReply, JobHeartbeatReply__Output as _twist_v1_JobHeartbeatReply__Output } from '../../twist/v1/JobHeartbeatReply.js';
import type { JobHeartbeatRequest as _twist_v1_JobHeartbeatRequest, JobHeartbeatRequest__Output as _twist_v1_JobHeartbeatRequest__Output } from '../../twist/v1/JobHeartbeatRequest.js';
import type { KillActorReply as _twist_v1_KillActorReply, KillActorReply__Output as _twist_v1_KillActorReply__Output } from '../../twist/v1/KillActorReply.js';
import type { KillActorRequest as _twist_v1_KillActorRequest, KillActorRequest__Output as _twist_v1_KillActorRequest__Output } from '../../twist/v1/KillActorRequest.js';
import type { RegisterJobReply as _twist_v1_RegisterJobReply, RegisterJobReply__Output as _twist_v1_RegisterJobReply__Output } from '../../twist/v1/RegisterJobReply.js';
import type { RegisterJobRequest as _twist_v1_RegisterJobRequest, RegisterJobRequest__Output as _twist_v1_RegisterJobRequest__Output } from '../../twist/v1/RegisterJobRequest.js';
import type { RegisterNodeReply as _twist_v1_RegisterNodeReply, RegisterNodeReply__Output as _twist_v1_RegisterNodeReply__Output } from '../../twist/v1/RegisterNodeReply.js';
import type { RegisterNodeRequest as _twist_v1_RegisterNodeRequest, RegisterNodeRequest__Output as _twist_v1_RegisterNodeRequest__Output } from '../../twist/v1/RegisterNodeRequest.js';
import type { RemovePlacementGroupReply as _twist_v1_RemovePlacementGroupReply, RemovePlacementGroupReply__Output as _twist_v1_RemovePlacementGroupReply__Output } from '../../twist/v1/RemovePlacementGroupReply.js';
import type { RemovePlacementGroupRequest as _twist_v1_RemovePlacementGroupRequest, RemovePlacementGroupRequest__Output as _twist_v1_RemovePlacementGroupRequest__Output } from '../../twist/v1/RemovePlacementGroupRequest.js';
import type { ReportActorExitReply as _twist_v1_ReportActorExitReply, ReportActorExitReply__Output as _twist_v1_ReportActorExitReply__Output } from '../../twist/v1/ReportActorExitReply.js';
import type { ReportActorExitRequest as _twist_v1_ReportActorExitRequest, ReportActorExitRequest__Output as _twist_v1_ReportActorExitRequest__Output } from '../../twist/v1/ReportActorExitRequest.js';
import type { ReportRunMetricsReply as _twist_v1_ReportRunMetricsReply, ReportRunMetricsReply__Output as _twist_v1_ReportRunMetricsReply__Output } from '../../twist/v1/ReportRunMetricsReply.js';
import type { ReportRunMetricsRequest as _twist_v1_ReportRunMetricsRequest, ReportRunMetricsRequest__Output as _twist_v1_ReportRunMetricsRequest__Output } from '../../twist/v1/ReportRunMetricsRequest.js';
import type { ShutdownReply as _twist_v1_ShutdownReply, ShutdownReply__Output as _twist_v1_ShutdownReply__Output } from '../../twist/v1/ShutdownReply.js';
import type { ShutdownRequest as _twist_v1_ShutdownRequest, ShutdownRequest__Output as _twist_v1_ShutdownRequest__Output } from '../../twist/v1/ShutdownRequest.js';

export interface ClusterClient extends grpc.Client {
  CreateActor(argument: _twist_v1_CreateActorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_CreateActorReply__Output>): grpc.ClientUnaryCall;
  CreateActor(argument: _twist_v1_CreateActorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_CreateActorReply__Output>): grpc.ClientUnaryCall;
  CreateActor(argument: _twist_v1_CreateActorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_CreateActorReply__Output>): grpc.ClientUnaryCall;
  CreateActor(argument: _twist_v1_CreateActorRequest, callback: grpc.requestCallback<_twist_v1_CreateActorReply__Output>): grpc.ClientUnaryCall;
  createActor(argument: _twist_v1_CreateActorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_CreateActorReply__Output>): grpc.ClientUnaryCall;
  createActor(argument: _twist_v1_CreateActorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_CreateActorReply__Output>): grpc.ClientUnaryCall;
  createActor(argument: _twist_v1_CreateActorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_CreateActorReply__Output>): grpc.ClientUnaryCall;
  createActor(argument: _twist_v1_CreateActorRequest, callback: grpc.requestCallback<_twist_v1_CreateActorReply__Output>): grpc.ClientUnaryCall;
  
  CreatePlacementGroup(argument: _twist_v1_CreatePlacementGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_CreatePlacementGroupReply__Output>): grpc.ClientUnaryCall;
  CreatePlacementGroup(argument: _twist_v1_CreatePlacementGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_CreatePlacementGroupReply__Output>): grpc.ClientUnaryCall;
  CreatePlacementGroup(argument: _twist_v1_CreatePlacementGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_CreatePlacementGroupReply__Output>): grpc.ClientUnaryCall;
  CreatePlacementGroup(argument: _twist_v1_CreatePlacementGroupRequest, callback: grpc.requestCallback<_twist_v1_CreatePlacementGroupReply__Output>): grpc.ClientUnaryCall;
  createPlacementGroup(argument: _twist_v1_CreatePlacementGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_CreatePlacementGroupReply__Output>): grpc.ClientUnaryCall;
  createPlacementGroup(argument: _twist_v1_CreatePlacementGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_CreatePlacementGroupReply__Output>): grpc.ClientUnaryCall;
  createPlacementGroup(argument: _twist_v1_CreatePlacementGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_CreatePlacementGroupReply__Output>): grpc.ClientUnaryCall;
  createPlacementGroup(argument: _twist_v1_CreatePlacementGroupRequest, callback: grpc.requestCallback<_twist_v1_CreatePlacementGroupReply__Output>): grpc.ClientUnaryCall;
  
  FinishJob(argument: _twist_v1_FinishJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_FinishJobReply__Output>): grpc.ClientUnaryCall;
  FinishJob(argument: _twist_v1_FinishJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_FinishJobReply__Output>): grpc.ClientUnaryCall;
  FinishJob(argument: _twist_v1_FinishJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_FinishJobReply__Output>): grpc.ClientUnaryCall;
  FinishJob(argument: _twist_v1_FinishJobRequest, callback: grpc.requestCallback<_twist_v1_FinishJobReply__Output>): grpc.ClientUnaryCall;
  finishJob(argument: _twist_v1_FinishJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_FinishJobReply__Output>): grpc.ClientUnaryCall;
  finishJob(argument: _twist_v1_FinishJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_FinishJobReply__Output>): grpc.ClientUnaryCall;
  finishJob(argument: _twist_v1_FinishJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_FinishJobReply__Output>): grpc.ClientUnaryCall;
  finishJob(argument: _twist_v1_FinishJobRequest, callback: grpc.requestCallback<_twist_v1_FinishJobReply__Output>): grpc.ClientUnaryCall;
  
  GetActor(argument: _twist_v1_GetActorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetActorReply__Output>): grpc.ClientUnaryCall;
  GetActor(argument: _twist_v1_GetActorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_GetActorReply__Output>): grpc.ClientUnaryCall;
  GetActor(argument: _twist_v1_GetActorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetActorReply__Output>): grpc.ClientUnaryCall;
  GetActor(argument: _twist_v1_GetActorRequest, callback: grpc.requestCallback<_twist_v1_GetActorReply__Output>): grpc.ClientUnaryCall;
  getActor(argument: _twist_v1_GetActorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetActorReply__Output>): grpc.ClientUnaryCall;
  getActor(argument: _twist_v1_GetActorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_GetActorReply__Output>): grpc.ClientUnaryCall;
  getActor(argument: _twist_v1_GetActorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetActorReply__Output>): grpc.ClientUnaryCall;
  getActor(argument: _twist_v1_GetActorRequest, callback: grpc.requestCallback<_twist_v1_GetActorReply__Output>): grpc.ClientUnaryCall;
  
  GetClusterStatus(argument: _twist_v1_GetClusterStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetClusterStatusReply__Output>): grpc.ClientUnaryCall;
  GetClusterStatus(argument: _twist_v1_GetClusterStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_GetClusterStatusReply__Output>): grpc.ClientUnaryCall;
  GetClusterStatus(argument: _twist_v1_GetClusterStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetClusterStatusReply__Output>): grpc.ClientUnaryCall;
  GetClusterStatus(argument: _twist_v1_GetClusterStatusRequest, callback: grpc.requestCallback<_twist_v1_GetClusterStatusReply__Output>): grpc.ClientUnaryCall;
  getClusterStatus(argument: _twist_v1_GetClusterStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetClusterStatusReply__Output>): grpc.ClientUnaryCall;
  getClusterStatus(argument: _twist_v1_GetClusterStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_GetClusterStatusReply__Output>): grpc.ClientUnaryCall;
  getClusterStatus(argument: _twist_v1_GetClusterStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetClusterStatusReply__Output>): grpc.ClientUnaryCall;
  getClusterStatus(argument: _twist_v1_GetClusterStatusRequest, callback: grpc.requestCallback<_twist_v1_GetClusterStatusReply__Output>): grpc.ClientUnaryCall;
  
  GetPlacementGroup(argument: _twist_v1_GetPlacementGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetPlacementGroupReply__Output>): grpc.ClientUnaryCall;
  GetPlacementGroup(argument: _twist_v1_GetPlacementGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_GetPlacementGroupReply__Output>): grpc.ClientUnaryCall;
  GetPlacementGroup(argument: _twist_v1_GetPlacementGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetPlacementGroupReply__Output>): grpc.ClientUnaryCall;
  GetPlacementGroup(argument: _twist_v1_GetPlacementGroupRequest, callback: grpc.requestCallback<_twist_v1_GetPlacementGroupReply__Output>): grpc.ClientUnaryCall;
  getPlacementGroup(argument: _twist_v1_GetPlacementGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetPlacementGroupReply__Output>): grpc.ClientUnaryCall;
  getPlacementGroup(argument: _twist_v1_GetPlacementGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_GetPlacementGroupReply__Output>): grpc.ClientUnaryCall;
  getPlacementGroup(argument: _twist_v1_GetPlacementGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_GetPlacementGroupReply__Output>): grpc.ClientUnaryCall;
  getPlacementGroup(argument: _twist_v1_GetPlacementGroupRequest, callback: grpc.requestCallback<_twist_v1_GetPlacementGroupReply__Output>): grpc.ClientUnaryCall;
  
  Heartbeat(argument: _twist_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _twist_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _twist_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _twist_v1_HeartbeatRequest, callback: grpc.requestCallback<_twist_v1_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _twist_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _twist_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _twist_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _twist_v1_HeartbeatRequest, callback: grpc.requestCallback<_twist_v1_HeartbeatReply__Output>): grpc.ClientUnaryCall;
  
  JobHeartbeat(argument: _twist_v1_JobHeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_JobHeartbeatReply__Output>): grpc.ClientUnaryCall;
  JobHeartbeat(argument: _twist_v1_JobHeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_JobHeartbeatReply__Output>): grpc.ClientUnaryCall;
  JobHeartbeat(argument: _twist_v1_JobHeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_JobHeartbeatReply__Output>): grpc.ClientUnaryCall;
  JobHeartbeat(argument: _twist_v1_JobHeartbeatRequest, callback: grpc.requestCallback<_twist_v1_JobHeartbeatReply__Output>): grpc.ClientUnaryCall;
  jobHeartbeat(argument: _twist_v1_JobHeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_JobHeartbeatReply__Output>): grpc.ClientUnaryCall;
  jobHeartbeat(argument: _twist_v1_JobHeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_JobHeartbeatReply__Output>): grpc.ClientUnaryCall;
  jobHeartbeat(argument: _twist_v1_JobHeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_JobHeartbeatReply__Output>): grpc.ClientUnaryCall;
  jobHeartbeat(argument: _twist_v1_JobHeartbeatRequest, callback: grpc.requestCallback<_twist_v1_JobHeartbeatReply__Output>): grpc.ClientUnaryCall;
  
  KillActor(argument: _twist_v1_KillActorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_KillActorReply__Output>): grpc.ClientUnaryCall;
  KillActor(argument: _twist_v1_KillActorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_KillActorReply__Output>): grpc.ClientUnaryCall;
  KillActor(argument: _twist_v1_KillActorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_KillActorReply__Output>): grpc.ClientUnaryCall;
  KillActor(argument: _twist_v1_KillActorRequest, callback: grpc.requestCallback<_twist_v1_KillActorReply__Output>): grpc.ClientUnaryCall;
  killActor(argument: _twist_v1_KillActorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_KillActorReply__Output>): grpc.ClientUnaryCall;
  killActor(argument: _twist_v1_KillActorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_KillActorReply__Output>): grpc.ClientUnaryCall;
  killActor(argument: _twist_v1_KillActorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_KillActorReply__Output>): grpc.ClientUnaryCall;
  killActor(argument: _twist_v1_KillActorRequest, callback: grpc.requestCallback<_twist_v1_KillActorReply__Output>): grpc.ClientUnaryCall;
  
  RegisterJob(argument: _twist_v1_RegisterJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_RegisterJobReply__Output>): grpc.ClientUnaryCall;
  RegisterJob(argument: _twist_v1_RegisterJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_RegisterJobReply__Output>): grpc.ClientUnaryCall;
  RegisterJob(argument: _twist_v1_RegisterJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_RegisterJobReply__Output>): grpc.ClientUnaryCall;
  RegisterJob(argument: _twist_v1_RegisterJobRequest, callback: grpc.requestCallback<_twist_v1_RegisterJobReply__Output>): grpc.ClientUnaryCall;
  registerJob(argument: _twist_v1_RegisterJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_RegisterJobReply__Output>): grpc.ClientUnaryCall;
  registerJob(argument: _twist_v1_RegisterJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_RegisterJobReply__Output>): grpc.ClientUnaryCall;
  registerJob(argument: _twist_v1_RegisterJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_RegisterJobReply__Output>): grpc.ClientUnaryCall;
  registerJob(argument: _twist_v1_RegisterJobRequest, callback: grpc.requestCallback<_twist_v1_RegisterJobReply__Output>): grpc.ClientUnaryCall;
  
  RegisterNode(argument: _twist_v1_RegisterNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_RegisterNodeReply__Output>): grpc.ClientUnaryCall;
  RegisterNode(argument: _twist_v1_RegisterNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_RegisterNodeReply__Output>): grpc.ClientUnaryCall;
  RegisterNode(argument: _twist_v1_RegisterNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_RegisterNodeReply__Output>): grpc.ClientUnaryCall;
  RegisterNode(argument: _twist_v1_RegisterNodeRequest, callback: grpc.requestCallback<_twist_v1_RegisterNodeReply__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _twist_v1_RegisterNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_RegisterNodeReply__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _twist_v1_RegisterNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_RegisterNodeReply__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _twist_v1_RegisterNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_RegisterNodeReply__Output>): grpc.ClientUnaryCall;
  registerNode(argument: _twist_v1_RegisterNodeRequest, callback: grpc.requestCallback<_twist_v1_RegisterNodeReply__Output>): grpc.ClientUnaryCall;
  
  RemovePlacementGroup(argument: _twist_v1_RemovePlacementGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_RemovePlacementGroupReply__Output>): grpc.ClientUnaryCall;
  RemovePlacementGroup(argument: _twist_v1_RemovePlacementGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_RemovePlacementGroupReply__Output>): grpc.ClientUnaryCall;
  RemovePlacementGroup(argument: _twist_v1_RemovePlacementGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_RemovePlacementGroupReply__Output>): grpc.ClientUnaryCall;
  RemovePlacementGroup(argument: _twist_v1_RemovePlacementGroupRequest, callback: grpc.requestCallback<_twist_v1_RemovePlacementGroupReply__Output>): grpc.ClientUnaryCall;
  removePlacementGroup(argument: _twist_v1_RemovePlacementGroupRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_RemovePlacementGroupReply__Output>): grpc.ClientUnaryCall;
  removePlacementGroup(argument: _twist_v1_RemovePlacementGroupRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_RemovePlacementGroupReply__Output>): grpc.ClientUnaryCall;
  removePlacementGroup(argument: _twist_v1_RemovePlacementGroupRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_RemovePlacementGroupReply__Output>): grpc.ClientUnaryCall;
  removePlacementGroup(argument: _twist_v1_RemovePlacementGroupRequest, callback: grpc.requestCallback<_twist_v1_RemovePlacementGroupReply__Output>): grpc.ClientUnaryCall;
  
  ReportActorExit(argument: _twist_v1_ReportActorExitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_ReportActorExitReply__Output>): grpc.ClientUnaryCall;
  ReportActorExit(argument: _twist_v1_ReportActorExitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_ReportActorExitReply__Output>): grpc.ClientUnaryCall;
  ReportActorExit(argument: _twist_v1_ReportActorExitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_ReportActorExitReply__Output>): grpc.ClientUnaryCall;
  ReportActorExit(argument: _twist_v1_ReportActorExitRequest, callback: grpc.requestCallback<_twist_v1_ReportActorExitReply__Output>): grpc.ClientUnaryCall;
  reportActorExit(argument: _twist_v1_ReportActorExitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_ReportActorExitReply__Output>): grpc.ClientUnaryCall;
  reportActorExit(argument: _twist_v1_ReportActorExitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_ReportActorExitReply__Output>): grpc.ClientUnaryCall;
  reportActorExit(argument: _twist_v1_ReportActorExitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_ReportActorExitReply__Output>): grpc.ClientUnaryCall;
  reportActorExit(argument: _twist_v1_ReportActorExitRequest, callback: grpc.requestCallback<_twist_v1_ReportActorExitReply__Output>): grpc.ClientUnaryCall;
  
  ReportRunMetrics(argument: _twist_v1_ReportRunMetricsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_ReportRunMetricsReply__Output>): grpc.ClientUnaryCall;
  ReportRunMetrics(argument: _twist_v1_ReportRunMetricsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_ReportRunMetricsReply__Output>): grpc.ClientUnaryCall;
  ReportRunMetrics(argument: _twist_v1_ReportRunMetricsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_ReportRunMetricsReply__Output>): grpc.ClientUnaryCall;
  ReportRunMetrics(argument: _twist_v1_ReportRunMetricsRequest, callback: grpc.requestCallback<_twist_v1_ReportRunMetricsReply__Output>): grpc.ClientUnaryCall;
  reportRunMetrics(argument: _twist_v1_ReportRunMetricsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_ReportRunMetricsReply__Output>): grpc.ClientUnaryCall;
  reportRunMetrics(argument: _twist_v1_ReportRunMetricsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_ReportRunMetricsReply__Output>): grpc.ClientUnaryCall;
  reportRunMetrics(argument: _twist_v1_ReportRunMetricsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_ReportRunMetricsReply__Output>): grpc.ClientUnaryCall;
  reportRunMetrics(argument: _twist_v1_ReportRunMetricsRequest, callback: grpc.requestCallback<_twist_v1_ReportRunMetricsReply__Output>): grpc.ClientUnaryCall;
  
  Shutdown(argument: _twist_v1_ShutdownRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_ShutdownReply__Output>): grpc.ClientUnaryCall;
  Shutdown(argument: _twist_v1_ShutdownRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_ShutdownReply__Output>): grpc.ClientUnaryCall;
  Shutdown(argument: _twist_v1_ShutdownRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_ShutdownReply__Output>): grpc.ClientUnaryCall;
  Shutdown(argument: _twist_v1_ShutdownRequest, callback: grpc.requestCallback<_twist_v1_ShutdownReply__Output>): grpc.ClientUnaryCall;
  shutdown(argument: _twist_v1_ShutdownRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_ShutdownReply__Output>): grpc.ClientUnaryCall;
  shutdown(argument: _twist_v1_ShutdownRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_ShutdownReply__Output>): grpc.ClientUnaryCall;
  shutdown(argument: _twist_v1_ShutdownRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_ShutdownReply__Output>): grpc.ClientUnaryCall;
  shutdown(argument: _twist_v1_ShutdownRequest, callback: grpc.requestCallback<_twist_v1_ShutdownReply__Output>): grpc.ClientUnaryCall;
  
}

export interface ClusterHandlers extends grpc.UntypedServiceImplementation {
  CreateActor: grpc.handleUnaryCall<_twist_v1_CreateActorRequest__Output, _twist_v1_CreateActorReply>;
  
  CreatePlacementGroup: grpc.handleUnaryCall<_twist_v1_CreatePlacementGroupRequest__Output, _twist_v1_CreatePlacementGroupReply>;
  
  FinishJob: grpc.handleUnaryCall<_twist_v1_FinishJobRequest__Output, _twist_v1_FinishJobReply>;
  
  GetActor: grpc.handleUnaryCall<_twist_v1_GetActorRequest__Output, _twist_v1_GetActorReply>;
  
  GetClusterStatus: grpc.handleUnaryCall<_twist_v1_GetClusterStatusRequest__Output, _twist_v1_GetClusterStatusReply>;
  
  GetPlacementGroup: grpc.handleUnaryCall<_twist_v1_GetPlacementGroupRequest__Output, _twist_v1_GetPlacementGroupReply>;
  
  Heartbeat: grpc.handleUnaryCall<_twist_v1_HeartbeatRequest__Output, _twist_v1_HeartbeatReply>;
  
  JobHeartbeat: grpc.handleUnaryCall<_twist_v1_JobHeartbeatRequest__Output, _twist_v1_JobHeartbeatReply>;
  
  KillActor: grpc.handleUnaryCall<_twist_v1_KillActorRequest__Output, _twist_v1_KillActorReply>;
  
  RegisterJob: grpc.handleUnaryCall<_twist_v1_RegisterJobRequest__Output, _twist_v1_RegisterJobReply>;
  
  RegisterNode: grpc.handleUnaryCall<_twist_v1_RegisterNodeRequest__Output, _twist_v1_RegisterNodeReply>;
  
  RemovePlacementGroup: grpc.handleUnaryCall<_twist_v1_RemovePlacementGroupRequest__Output, _twist_v1_RemovePlacementGroupReply>;
  
  ReportActorExit: grpc.handleUnaryCall<_twist_v1_ReportActorExitRequest__Output, _twist_v1_ReportActorExitReply>;
  
  ReportRunMetrics: grpc.handleUnaryCall<_twist_v1_ReportRunMetricsRequest__Output, _twist_v1_ReportRunMetricsReply>;
  
  Shutdown: grpc.handleUnaryCall<_twist_v1_ShutdownRequest__Output, _twist_v1_ShutdownReply>;
  
}

export interface ClusterDefinition extends grpc.ServiceDefinition {
  CreateActor: MethodDefinition<_twist_v1_CreateActorRequest, _twist_v1_CreateActorReply, _twist_v1_CreateActorRequest__Output, _twist_v1_CreateActorReply__Output>
  CreatePlacementGroup: MethodDefinition<_twist_v1_CreatePlacementGroupRequest, _twist_v1_CreatePlacementGroupReply, _twist_v1_CreatePlacementGroupRequest__Output, _twist_v1_CreatePlacementGroupReply__Output>
  FinishJob: MethodDefinition<_twist_v1_FinishJobRequest, _twist_v1_FinishJobReply, _twist_v1_FinishJobRequest__Output, _twist_v1_FinishJobReply__Output>
  GetActor: MethodDefinition<_twist_v1_GetActorRequest, _twist_v1_GetActorReply, _twist_v1_GetActorRequest__Output, _twist_v1_GetActorReply__Output>
  GetClusterStatus: MethodDefinition<_twist_v1_GetClusterStatusRequest, _twist_v1_GetClusterStatusReply, _twist_v1_GetClusterStatusRequest__Output, _twist_v1_GetClusterStatusReply__Output>
  GetPlacementGroup: MethodDefinition<_twist_v1_GetPlacementGroupRequest, _twist_v1_GetPlacementGroupReply, _twist_v1_GetPlacementGroupRequest__Output, _twist_v1_GetPlacementGroupReply__Output>
  Heartbeat: MethodDefinition<_twist_v1_HeartbeatRequest, _twist_v1_HeartbeatReply, _twist_v1_HeartbeatRequest__Output, _twist_v1_HeartbeatReply__Output>
  JobHeartbeat: MethodDefinition<_twist_v1_JobHeartbeatRequest, _twist_v1_JobHeartbeatReply, _twist_v1_JobHeartbeatRequest__Output, _twist_v1_JobHeartbeatReply__Output>
  KillActor: MethodDefinition<_twist_v1_KillActorRequest, _twist_v1_KillActorReply, _twist_v1_KillActorRequest__Output, _twist_v1_KillActorReply__Output>
  RegisterJob: MethodDefinition<_twist_v1_RegisterJobRequest, _twist_v1_RegisterJobReply, _twist_v1_RegisterJobRequest__Output, _twist_v1_RegisterJobReply__Output>
  RegisterNode: MethodDefinition<_twist_v1_RegisterNodeRequest, _twist_v1_RegisterNodeReply, _twist_v1_RegisterNodeRequest__Output, _twist_v1_RegisterNodeReply__Output>
  RemovePlacementGroup: MethodDefinition<_twist_v1_RemovePlacementGroupRequest, _twist_v1_RemovePlacementGroupReply, _twist_v1_RemovePlacementGroupRequest__Output, _twist_v1_RemovePlacementGroupReply__Output>
  ReportActorExit: MethodDefinition<_twist_v1_ReportActorExitRequest, _twist_v1_ReportActorExitReply, _twist_v1_ReportActorExitRequest__Output, _twist_v1_ReportActorExitReply__Output>
  ReportRunMetrics: MethodDefinition<_twist_v1_ReportRunMetricsRequest, _twist_v1_ReportRunMetricsReply, _twist_v1_ReportRunMetricsRequest__Output, _twist_v1_ReportRunMetricsReply__Output>
  Shutdown: MethodDefinition<_twist_v1_ShutdownRequest, _twist_v1_ShutdownReply, _twist_v1_ShutdownRequest__Output, _twist_v1_ShutdownReply__Output>
}
