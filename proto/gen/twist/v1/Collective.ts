// Original file: proto/collective.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { StreamReply as _twist_v1_StreamReply, StreamReply__Output as _twist_v1_StreamReply__Output } from '../../twist/v1/StreamReply.js';
import type { StreamRequest as _twist_v1_StreamRequest, StreamRequest__Output as _twist_v1_StreamRequest__Output } from '../../twist/v1/StreamRequest.js';

export interface CollectiveClient extends grpc.Client {
  Stream(argument: _twist_v1_StreamRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_twist_v1_StreamReply__Output>;
  Stream(argument: _twist_v1_StreamRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_twist_v1_StreamReply__Output>;
  stream(argument: _twist_v1_StreamRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_twist_v1_StreamReply__Output>;
  stream(argument: _twist_v1_StreamRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_twist_v1_StreamReply__Output>;
  
}

export interface CollectiveHandlers extends grpc.UntypedServiceImplementation {
  Stream: grpc.handleServerStreamingCall<_twist_v1_StreamRequest__Output, _twist_v1_StreamReply>;
  
}

export interface CollectiveDefinition extends grpc.ServiceDefinition {
  Stream: MethodDefinition<_twist_v1_StreamRequest, _twist_v1_StreamReply, _twist_v1_StreamRequest__Output, _twist_v1_StreamReply__Output>
}
