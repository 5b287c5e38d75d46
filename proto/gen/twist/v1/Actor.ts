// Original file: proto/actor.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CallReply as _twist_v1_CallReply, CallReply__Output as _twist_v1_CallReply__Output } from '../../twist/v1/CallReply.js';
import type { CallRequest as _twist_v1_CallRequest, CallRequest__Output as _twist_v1_CallRequest__Output } from '../../twist/v1/CallRequest.js';

export interface ActorClient extends grpc.Client {
  Session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_twist_v1_CallRequest, _twist_v1_CallReply__Output>;
  Session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_twist_v1_CallRequest, _twist_v1_CallReply__Output>;
  session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_twist_v1_CallRequest, _twist_v1_CallReply__Output>;
  session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_twist_v1_CallRequest, _twist_v1_CallReply__Output>;
  
}

export interface ActorHandlers extends grpc.UntypedServiceImplementation {
  Session: grpc.handleBidiStreamingCall<_twist_v1_CallRequest__Output, _twist_v1_CallReply>;
  
}

export interface ActorDefinition extends grpc.ServiceDefinition {
  Session: MethodDefinition<_twist_v1_CallRequest, _twist_v1_CallReply, _twist_v1_CallRequest__Output, _twist_v1_CallReply__Output>
}
