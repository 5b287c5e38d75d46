import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { NodeClient as _twist_v1_NodeClient, NodeDefinition as _twist_v1_NodeDefinition } from './twist/v1/Node.js';
import type { ShutdownNodeReply as _twist_v1_ShutdownNodeReply, ShutdownNodeReply__Output as _twist_v1_ShutdownNodeReply__Output } from './twist/v1/ShutdownNodeReply.js';
import type { ShutdownNodeRequest as _twist_v1_ShutdownNodeRequest, ShutdownNodeRequest__Output as _twist_v1_ShutdownNodeRequest__Output } from './twist/v1/ShutdownNodeRequest.js';
import type { StartActorReply as _twist_v1_StartActorReply, StartActorReply__Output as _twist_v1_StartActorReply__Output } from './twist/v1/StartActorReply.js';
import type { StartActorRequest as _twist_v1_StartActorRequest, StartActorRequest__Output as _twist_v1_StartActorRequest__Output } from './twist/v1/StartActorRequest.js';
import type { StopActorReply as _twist_v1_StopActorReply, StopActorReply__Output as _twist_v1_StopActorReply__Output } from './twist/v1/StopActorReply.js';
import type { StopActorRequest as _twist_v1_StopActorRequest, StopActorRequest__Output as _twist_v1_StopActorRequest__Output } from './twist/v1/StopActorRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  twist: {
    v1: {
      Node: SubtypeConstructor<typeof grpc.Client, _twist_v1_NodeClient> & { service: _twist_v1_NodeDefinition }
      ShutdownNodeReply: MessageTypeDefinition<_twist_v1_ShutdownNodeReply, _twist_v1_ShutdownNodeReply__Output>
      ShutdownNodeRequest: MessageTypeDefinition<_twist_v1_ShutdownNodeRequest, _twist_v1_ShutdownNodeRequest__Output>
      StartActorReply: MessageTypeDefinition<_twist_v1_StartActorReply, _twist_v1_StartActorReply__Output>
      StartActorRequest: MessageTypeDefinition<_twist_v1_StartActorRequest, _twist_v1_StartActorRequest__Output>
      StopActorReply: MessageTypeDefinition<_twist_v1_StopActorReply, _twist_v1_StopActorReply__Output>
      StopActorRequest: MessageTypeDefinition<_twist_v1_StopActorRequest, _twist_v1_StopActorRequest__Output>
    }
  }
}

