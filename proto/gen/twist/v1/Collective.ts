// Original file: proto/collective.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { StreamReply as _twist_v1_StreamReply, StreamReply__Output as _twist_v1_StreamReply__Output } from '../../twist/v1/StreamReply.js';
import type { StreamRequest as _twist_v1_StreamRequest, StreamRequest__Output as _twist_v1_StreamRequest__Output } from '../../twist/v1/StreamRequest.js';

export interface CollectiveClient extends grpc.Client {
  Stream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_twist_v1_StreamRequest, _twist_v1_StreamReply__Output>;
  Stream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_twist_v1_StreamRequest, _twist_v1_StreamReply__Output>;
  stream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_twist_v1_StreamRequest, _twist_v1_StreamReply__Output>;
  stream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_twist_v1_StreamRequest, _twist_v1_StreamReply__Output>;
  
}

export interface CollectiveHandlers extends grpc.UntypedServiceImplementation {
  Stream: grpc.handleBidiStreamingCall<_twist_v1_StreamRequest__Output, _twist_v1_StreamReply>;
  
}

export interface CollectiveDefinition extends grpc.ServiceDefinition {
  Stream: MethodDefinition<_twist_v1_StreamRequest, _twist_v1_StreamReply, _twist_v1_StreamRequest__Output, _twist_v1_StreamReply__Output>
}
