import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ActorInfo as _twist_v1_ActorInfo, ActorInfo__Output as _twist_v1_ActorInfo__Output } from './twist/v1/ActorInfo.js';
import type { Bundle as _twist_v1_Bundle, Bundle__Output as _twist_v1_Bundle__Output } from './twist/v1/Bundle.js';
import type { ClusterClient as _twist_v1_ClusterClient, ClusterDefinition as _twist_v1_ClusterDefinition } from './twist/v1/Cluster.js';
import type { CreateActorReply as _twist_v1_CreateActorReply, CreateActorReply__Output as _twist_v1_CreateActorReply__Output } from './twist/v1/CreateActorReply.js';
import type { CreateActorRequest as _twist_v1_CreateActorRequest, CreateActorRequest__Output as _twist_v1_CreateActorRequest__Output } from './twist/v1/CreateActorRequest.js';
import type { CreatePlacementGroupReply as _twist_v1_CreatePlacementGroupReply, CreatePlacementGroupReply__Output as _twist_v1_CreatePlacementGroupReply__Output } from './twist/v1/CreatePlacementGroupReply.js';
import type { CreatePlacementGroupRequest as _twist_v1_CreatePlacementGroupRequest, CreatePlacementGroupRequest__Output as _twist_v1_CreatePlacementGroupRequest__Output } from './twist/v1/CreatePlacementGroupRequest.js';
import type { FinishJobReply as _twist_v1_FinishJobReply, FinishJobReply__Output as _twist_v1_FinishJobReply__Output } from './twist/v1/FinishJobReply.js';
import type { FinishJobRequest as _twist_v1_FinishJobRequest, FinishJobRequest__Output as _twist_v1_FinishJobRequest__Output } from './twist/v1/FinishJobRequest.js';
import type { GetActorReply as _twist_v1_GetActorReply, GetActorReply__Output as _twist_v1_GetActorReply__Output } from './twist/v1/GetActorReply.js';
import type { GetActorRequest as _twist_v1_GetActorRequest, GetActorRequest__Output as _twist_v1_GetActorRequest__Output } from './twist/v1/GetActorRequest.js';
import type { GetClusterStatusReply as _twist_v1_GetClusterStatusReply, GetClusterStatusReply__Output as _twist_v1_GetClusterStatusReply__Output } from './twist/v1/GetClusterStatusReply.js';
import type { GetClusterStatusRequest as _twist_v1_GetClusterStatusRequest, GetClusterStatusRequest__Output as _twist_v1_GetClusterStatusRequest__Output } from './twist/v1/GetClusterStatusRequest.js';
import type { GetJobLogsReply as _twist_v1_GetJobLogsReply, GetJobLogsReply__Output as _twist_v1_GetJobLogsReply__Output } from './twist/v1/GetJobLogsReply.js';
import type { GetJobLogsRequest as _twist_v1_GetJobLogsRequest, GetJobLogsRequest__Output as _twist_v1_GetJobLogsRequest__Output } from './twist/v1/GetJobLogsRequest.js';
import type { GetJobReply as _twist_v1_GetJobReply, GetJobReply__Output as _twist_v1_GetJobReply__Output } from './twist/v1/GetJobReply.js';
import type { GetJobRequest as _twist_v1_GetJobRequest, GetJobRequest__Output as _twist_v1_GetJobRequest__Output } from './twist/v1/GetJobRequest.js';
import type { GetPlacementGroupReply as _twist_v1_GetPlacementGroupReply, GetPlacementGroupReply__Output as _twist_v1_GetPlacementGroupReply__Output } from './twist/v1/GetPlacementGroupReply.js';
import type { GetPlacementGroupRequest as _twist_v1_GetPlacementGroupRequest, GetPlacementGroupRequest__Output as _twist_v1_GetPlacementGroupRequest__Output } from './twist/v1/GetPlacementGroupRequest.js';
import type { GpuInfo as _twist_v1_GpuInfo, GpuInfo__Output as _twist_v1_GpuInfo__Output } from './twist/v1/GpuInfo.js';
import type { HeartbeatReply as _twist_v1_HeartbeatReply, HeartbeatReply__Output as _twist_v1_HeartbeatReply__Output } from './twist/v1/HeartbeatReply.js';
import type { HeartbeatRequest as _twist_v1_HeartbeatRequest, HeartbeatRequest__Output as _twist_v1_HeartbeatRequest__Output } from './twist/v1/HeartbeatRequest.js';
import type { HostedActor as _twist_v1_HostedActor, HostedActor__Output as _twist_v1_HostedActor__Output } from './twist/v1/HostedActor.js';
import type { JobHeartbeatReply as _twist_v1_JobHeartbeatReply, JobHeartbeatReply__Output as _twist_v1_JobHeartbeatReply__Output } from './twist/v1/JobHeartbeatReply.js';
import type { JobHeartbeatRequest as _twist_v1_JobHeartbeatRequest, JobHeartbeatRequest__Output as _twist_v1_JobHeartbeatRequest__Output } from './twist/v1/JobHeartbeatRequest.js';
import type { JobInfo as _twist_v1_JobInfo, JobInfo__Output as _twist_v1_JobInfo__Output } from './twist/v1/JobInfo.js';
import type { JobsClient as _twist_v1_JobsClient, JobsDefinition as _twist_v1_JobsDefinition } from './twist/v1/Jobs.js';
import type { KillActorReply as _twist_v1_KillActorReply, KillActorReply__Output as _twist_v1_KillActorReply__Output } from './twist/v1/KillActorReply.js';
import type { KillActorRequest as _twist_v1_KillActorRequest, KillActorRequest__Output as _twist_v1_KillActorRequest__Output } from './twist/v1/KillActorRequest.js';
import type { NodeInfo as _twist_v1_NodeInfo, NodeInfo__Output as _twist_v1_NodeInfo__Output } from './twist/v1/NodeInfo.js';
import type { PendingDemand as _twist_v1_PendingDemand, PendingDemand__Output as _twist_v1_PendingDemand__Output } from './twist/v1/PendingDemand.js';
import type { PlacementGroupInfo as _twist_v1_PlacementGroupInfo, PlacementGroupInfo__Output as _twist_v1_PlacementGroupInfo__Output } from './twist/v1/PlacementGroupInfo.js';
import type { RegisterJobReply as _twist_v1_RegisterJobReply, RegisterJobReply__Output as _twist_v1_RegisterJobReply__Output } from './twist/v1/RegisterJobReply.js';
import type { RegisterJobRequest as _twist_v1_RegisterJobRequest, RegisterJobRequest__Output as _twist_v1_RegisterJobRequest__Output } from './twist/v1/RegisterJobRequest.js';
import type { RegisterNodeReply as _twist_v1_RegisterNodeReply, RegisterNodeReply__Output as _twist_v1_RegisterNodeReply__Output } from './twist/v1/RegisterNodeReply.js';
import type { RegisterNodeRequest as _twist_v1_RegisterNodeRequest, RegisterNodeRequest__Output as _twist_v1_RegisterNodeRequest__Output } from './twist/v1/RegisterNodeRequest.js';
import type { RemovePlacementGroupReply as _twist_v1_RemovePlacementGroupReply, RemovePlacementGroupReply__Output as _twist_v1_RemovePlacementGroupReply__Output } from './twist/v1/RemovePlacementGroupReply.js';
import type { RemovePlacementGroupRequest as _twist_v1_RemovePlacementGroupRequest, RemovePlacementGroupRequest__Output as _twist_v1_RemovePlacementGroupRequest__Output } from './twist/v1/RemovePlacementGroupRequest.js';
import type { ReportActorExitReply as _twist_v1_ReportActorExitReply, ReportActorExitReply__Output as _twist_v1_ReportActorExitReply__Output } from './twist/v1/ReportActorExitReply.js';
import type { ReportActorExitRequest as _twist_v1_ReportActorExitRequest, ReportActorExitRequest__Output as _twist_v1_ReportActorExitRequest__Output } from './twist/v1/ReportActorExitRequest.js';
import type { ReportRunMetricsReply as _twist_v1_ReportRunMetricsReply, ReportRunMetricsReply__Output as _twist_v1_ReportRunMetricsReply__Output } from './twist/v1/ReportRunMetricsReply.js';
import type { ReportRunMetricsRequest as _twist_v1_ReportRunMetricsRequest, ReportRunMetricsRequest__Output as _twist_v1_ReportRunMetricsRequest__Output } from './twist/v1/ReportRunMetricsRequest.js';
import type { ShutdownReply as _twist_v1_ShutdownReply, ShutdownReply__Output as _twist_v1_ShutdownReply__Output } from './twist/v1/ShutdownReply.js';
import type { ShutdownRequest as _twist_v1_ShutdownRequest, ShutdownRequest__Output as _twist_v1_ShutdownRequest__Output } from './twist/v1/ShutdownRequest.js';
import type { StopJobReply as _twist_v1_StopJobReply, StopJobReply__Output as _twist_v1_StopJobReply__Output } from './twist/v1/StopJobReply.js';
import type { StopJobRequest as _twist_v1_StopJobRequest, StopJobRequest__Output as _twist_v1_StopJobRequest__Output } from './twist/v1/StopJobRequest.js';
import type { SubmitJobReply as _twist_v1_SubmitJobReply, SubmitJobReply__Output as _twist_v1_SubmitJobReply__Output } from './twist/v1/SubmitJobReply.js';
import type { SubmitJobRequest as _twist_v1_SubmitJobRequest, SubmitJobRequest__Output as _twist_v1_SubmitJobRequest__Output } from './twist/v1/SubmitJobRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  twist: {
    v1: {
      ActorInfo: MessageTypeDefinition<_twist_v1_ActorInfo, _twist_v1_ActorInfo__Output>
      Bundle: MessageTypeDefinition<_twist_v1_Bundle, _twist_v1_Bundle__Output>
      Cluster: SubtypeConstructor<typeof grpc.Client, _twist_v1_ClusterClient> & { service: _twist_v1_ClusterDefinition }
      CreateActorReply: MessageTypeDefinition<_twist_v1_CreateActorReply, _twist_v1_CreateActorReply__Output>
      CreateActorRequest: MessageTypeDefinition<_twist_v1_CreateActorRequest, _twist_v1_CreateActorRequest__Output>
      CreatePlacementGroupReply: MessageTypeDefinition<_twist_v1_CreatePlacementGroupReply, _twist_v1_CreatePlacementGroupReply__Output>
      CreatePlacementGroupRequest: MessageTypeDefinition<_twist_v1_CreatePlacementGroupRequest, _twist_v1_CreatePlacementGroupRequest__Output>
      FinishJobReply: MessageTypeDefinition<_twist_v1_FinishJobReply, _twist_v1_FinishJobReply__Output>
      FinishJobRequest: MessageTypeDefinition<_twist_v1_FinishJobRequest, _twist_v1_FinishJobRequest__Output>
      GetActorReply: MessageTypeDefinition<_twist_v1_GetActorReply, _twist_v1_GetActorReply__Output>
      GetActorRequest: MessageTypeDefinition<_twist_v1_GetActorRequest, _twist_v1_GetActorRequest__Output>
      GetClusterStatusReply: MessageTypeDefinition<_twist_v1_GetClusterStatusReply, _twist_v1_GetClusterStatusReply__Output>
      GetClusterStatusRequest: MessageTypeDefinition<_twist_v1_GetClusterStatusRequest, _twist_v1_GetClusterStatusRequest__Output>
      GetJobLogsReply: MessageTypeDefinition<_twist_v1_GetJobLogsReply, _twist_v1_GetJobLogsReply__Output>
      GetJobLogsRequest: MessageTypeDefinition<_twist_v1_GetJobLogsRequest, _twist_v1_GetJobLogsRequest__Output>
      GetJobReply: MessageTypeDefinition<_twist_v1_GetJobReply, _twist_v1_GetJobReply__Output>
      GetJobRequest: MessageTypeDefinition<_twist_v1_GetJobRequest, _twist_v1_GetJobRequest__Output>
      GetPlacementGroupReply: MessageTypeDefinition<_twist_v1_GetPlacementGroupReply, _twist_v1_GetPlacementGroupReply__Output>
      GetPlacementGroupRequest: MessageTypeDefinition<_twist_v1_GetPlacementGroupRequest, _twist_v1_GetPlacementGroupRequest__Output>
      GpuInfo: MessageTypeDefinition<_twist_v1_GpuInfo, _twist_v1_GpuInfo__Output>
      HeartbeatReply: MessageTypeDefinition<_twist_v1_HeartbeatReply, _twist_v1_HeartbeatReply__Output>
      HeartbeatRequest: MessageTypeDefinition<_twist_v1_HeartbeatRequest, _twist_v1_HeartbeatRequest__Output>
      HostedActor: MessageTypeDefinition<_twist_v1_HostedActor, _twist_v1_HostedActor__Output>
      JobHeartbeatReply: MessageTypeDefinition<_twist_v1_JobHeartbeatReply, _twist_v1_JobHeartbeatReply__Output>
      JobHeartbeatRequest: MessageTypeDefinition<_twist_v1_JobHeartbeatRequest, _twist_v1_JobHeartbeatRequest__Output>
      JobInfo: MessageTypeDefinition<_twist_v1_JobInfo, _twist_v1_JobInfo__Output>
      Jobs: SubtypeConstructor<typeof grpc.Client, _twist_v1_JobsClient> & { service: _twist_v1_JobsDefinition }
      KillActorReply: MessageTypeDefinition<_twist_v1_KillActorReply, _twist_v1_KillActorReply__Output>
      KillActorRequest: MessageTypeDefinition<_twist_v1_KillActorRequest, _twist_v1_KillActorRequest__Output>
      NodeInfo: MessageTypeDefinition<_twist_v1_NodeInfo, _twist_v1_NodeInfo__Output>
      PendingDemand: MessageTypeDefinition<_twist_v1_PendingDemand, _twist_v1_PendingDemand__Output>
      PlacementGroupInfo: MessageTypeDefinition<_twist_v1_PlacementGroupInfo, _twist_v1_PlacementGroupInfo__Output>
      RegisterJobReply: MessageTypeDefinition<_twist_v1_RegisterJobReply, _twist_v1_RegisterJobReply__Output>
      RegisterJobRequest: MessageTypeDefinition<_twist_v1_RegisterJobRequest, _twist_v1_RegisterJobRequest__Output>
      RegisterNodeReply: MessageTypeDefinition<_twist_v1_RegisterNodeReply, _twist_v1_RegisterNodeReply__Output>
      RegisterNodeRequest: MessageTypeDefinition<_twist_v1_RegisterNodeRequest, _twist_v1_RegisterNodeRequest__Output>
      RemovePlacementGroupReply: MessageTypeDefinition<_twist_v1_RemovePlacementGroupReply, _twist_v1_RemovePlacementGroupReply__Output>
      RemovePlacementGroupRequest: MessageTypeDefinition<_twist_v1_RemovePlacementGroupRequest, _twist_v1_RemovePlacementGroupRequest__Output>
      ReportActorExitReply: MessageTypeDefinition<_twist_v1_ReportActorExitReply, _twist_v1_ReportActorExitReply__Output>
      ReportActorExitRequest: MessageTypeDefinition<_twist_v1_ReportActorExitRequest, _twist_v1_ReportActorExitRequest__Output>
      ReportRunMetricsReply: MessageTypeDefinition<_twist_v1_ReportRunMetricsReply, _twist_v1_ReportRunMetricsReply__Output>
      ReportRunMetricsRequest: MessageTypeDefinition<_twist_v1_ReportRunMetricsRequest, _twist_v1_ReportRunMetricsRequest__Output>
      ShutdownReply: MessageTypeDefinition<_twist_v1_ShutdownReply, _twist_v1_ShutdownReply__Output>
      ShutdownRequest: MessageTypeDefinition<_twist_v1_ShutdownRequest, _twist_v1_ShutdownRequest__Output>
      StopJobReply: MessageTypeDefinition<_twist_v1_StopJobReply, _twist_v1_StopJobReply__Output>
      StopJobRequest: MessageTypeDefinition<_twist_v1_StopJobRequest, _twist_v1_StopJobRequest__Output>
      SubmitJobReply: MessageTypeDefinition<_twist_v1_SubmitJobReply, _twist_v1_SubmitJobReply__Output>
      SubmitJobRequest: MessageTypeDefinition<_twist_v1_SubmitJobRequest, _twist_v1_SubmitJobRequest__Output>
    }
  }
}

