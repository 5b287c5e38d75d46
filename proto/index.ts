export * from './load-proto.js';
export type { ProtoGrpcType as CollectiveProto } from './gen/collective.js';
export type { CollectiveClient, CollectiveHandlers } from './gen/twist/v1/Collective.js';
export type { StreamRequest, StreamRequest__Output } from './gen/twist/v1/StreamRequest.js';
export type { StreamReply, StreamReply__Output } from './gen/twist/v1/StreamReply.js';
export type { Frame__Output } from './gen/twist/v1/Frame.js';

export type { ProtoGrpcType as ClusterProto } from './gen/cluster.js';
export type { ProtoGrpcType as NodeProto } from './gen/node.js';
export type { ProtoGrpcType as ActorProto } from './gen/actor.js';
export type { ProtoGrpcType as HealthProto } from './gen/health.js';
export type { ClusterClient, ClusterHandlers } from './gen/twist/v1/Cluster.js';
export type { NodeClient, NodeHandlers } from './gen/twist/v1/Node.js';
export type { ActorClient, ActorHandlers } from './gen/twist/v1/Actor.js';
export type { HealthClient, HealthHandlers } from './gen/grpc/health/v1/Health.js';
export type { HealthCheckRequest__Output } from './gen/grpc/health/v1/HealthCheckRequest.js';
export type { HealthCheckResponse } from './gen/grpc/health/v1/HealthCheckResponse.js';
export type * as wire from './gen/wire.js';
