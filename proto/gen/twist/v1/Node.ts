// Original file: proto/node.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ShutdownNodeReply as _twist_v1_ShutdownNodeReply, ShutdownNodeReply__Output as _twist_v1_ShutdownNodeReply__Output } from '../../twist/v1/ShutdownNodeReply.js';
import type { ShutdownNodeRequest as _twist_v1_ShutdownNodeRequest, ShutdownNodeRequest__Output as _twist_v1_ShutdownNodeRequest__Output } from '../../twist/v1/ShutdownNodeRequest.js';
import type { StartActorReply as _twist_v1_StartActorReply, StartActorReply__Output as _twist_v1_StartActorReply__Output } from '../../twist/v1/StartActorReply.js';
import type { StartActorRequest as _twist_v1_StartActorRequest, StartActorRequest__Output as _twist_v1_StartActorRequest__Output } from '../../twist/v1/StartActorRequest.js';
import type { StopActorReply as _twist_v1_StopActorReply, StopActorReply__Output as _twist_v1_StopActorReply__Output } from '../../twist/v1/StopActorReply.js';
import type { StopActorRequest as _twist_v1_StopActorRequest, StopActorRequest__Output as _twist_v1_StopActorRequest__Output } from '../../twist/v1/StopActorRequest.js';

export interface NodeClient extends grpc.Client {
  ShutdownNode(argument: _twist_v1_ShutdownNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_ShutdownNodeReply__Output>): grpc.ClientUnaryCall;
  ShutdownNode(argument: _twist_v1_ShutdownNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_ShutdownNodeReply__Output>): grpc.ClientUnaryCall;
  ShutdownNode(argument: _twist_v1_ShutdownNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_ShutdownNodeReply__Output>): grpc.ClientUnaryCall;
  ShutdownNode(argument: _twist_v1_ShutdownNodeRequest, callback: grpc.requestCallback<_twist_v1_ShutdownNodeReply__Output>): grpc.ClientUnaryCall;
  shutdownNode(argument: _twist_v1_ShutdownNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_ShutdownNodeReply__Output>): grpc.ClientUnaryCall;
  shutdownNode(argument: _twist_v1_ShutdownNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_ShutdownNodeReply__Output>): grpc.ClientUnaryCall;
  shutdownNode(argument: _twist_v1_ShutdownNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_ShutdownNodeReply__Output>): grpc.ClientUnaryCall;
  shutdownNode(argument: _twist_v1_ShutdownNodeRequest, callback: grpc.requestCallback<_twist_v1_ShutdownNodeReply__Output>): grpc.ClientUnaryCall;
  
  StartActor(argument: _twist_v1_StartActorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_StartActorReply__Output>): grpc.ClientUnaryCall;
  StartActor(argument: _twist_v1_StartActorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_StartActorReply__Output>): grpc.ClientUnaryCall;
  StartActor(argument: _twist_v1_StartActorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_StartActorReply__Output>): grpc.ClientUnaryCall;
  StartActor(argument: _twist_v1_StartActorRequest, callback: grpc.requestCallback<_twist_v1_StartActorReply__Output>): grpc.ClientUnaryCall;
  startActor(argument: _twist_v1_StartActorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_StartActorReply__Output>): grpc.ClientUnaryCall;
  startActor(argument: _twist_v1_StartActorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_StartActorReply__Output>): grpc.ClientUnaryCall;
  startActor(argument: _twist_v1_StartActorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_StartActorReply__Output>): grpc.ClientUnaryCall;
  startActor(argument: _twist_v1_StartActorRequest, callback: grpc.requestCallback<_twist_v1_StartActorReply__Output>): grpc.ClientUnaryCall;
  
  StopActor(argument: _twist_v1_StopActorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_StopActorReply__Output>): grpc.ClientUnaryCall;
  StopActor(argument: _twist_v1_StopActorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_StopActorReply__Output>): grpc.ClientUnaryCall;
  StopActor(argument: _twist_v1_StopActorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_StopActorReply__Output>): grpc.ClientUnaryCall;
  StopActor(argument: _twist_v1_StopActorRequest, callback: grpc.requestCallback<_twist_v1_StopActorReply__Output>): grpc.ClientUnaryCall;
  stopActor(argument: _twist_v1_StopActorRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_StopActorReply__Output>): grpc.ClientUnaryCall;
  stopActor(argument: _twist_v1_StopActorRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twist_v1_StopActorReply__Output>): grpc.ClientUnaryCall;
  stopActor(argument: _twist_v1_StopActorRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twist_v1_StopActorReply__Output>): grpc.ClientUnaryCall;
  stopActor(argument: _twist_v1_StopActorRequest, callback: grpc.requestCallback<_twist_v1_StopActorReply__Output>): grpc.ClientUnaryCall;
  
}

export interface NodeHandlers extends grpc.UntypedServiceImplementation {
  ShutdownNode: grpc.handleUnaryCall<_twist_v1_ShutdownNodeRequest__Output, _twist_v1_ShutdownNodeReply>;
  
  StartActor: grpc.handleUnaryCall<_twist_v1_StartActorRequest__Output, _twist_v1_StartActorReply>;
  
  StopActor: grpc.handleUnaryCall<_twist_v1_StopActorRequest__Output, _twist_v1_StopActorReply>;
  
}

export interface NodeDefinition extends grpc.ServiceDefinition {
  ShutdownNode: MethodDefinition<_twist_v1_ShutdownNodeRequest, _twist_v1_ShutdownNodeReply, _twist_v1_ShutdownNodeRequest__Output, _twist_v1_ShutdownNodeReply__Output>
  StartActor: MethodDefinition<_twist_v1_StartActorRequest, _twist_v1_StartActorReply, _twist_v1_StartActorRequest__Output, _twist_v1_StartActorReply__Output>
  StopActor: MethodDefinition<_twist_v1_StopActorRequest, _twist_v1_StopActorReply, _twist_v1_StopActorRequest__Output, _twist_v1_StopActorReply__Output>
}
