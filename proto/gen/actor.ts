import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ActorClient as _twist_v1_ActorClient, ActorDefinition as _twist_v1_ActorDefinition } from './twist/v1/Actor.js';
import type { CallHeader as _twist_v1_CallHeader, CallHeader__Output as _twist_v1_CallHeader__Output } from './twist/v1/CallHeader.js';
import type { CallOutcome as _twist_v1_CallOutcome, CallOutcome__Output as _twist_v1_CallOutcome__Output } from './twist/v1/CallOutcome.js';
import type { CallReply as _twist_v1_CallReply, CallReply__Output as _twist_v1_CallReply__Output } from './twist/v1/CallReply.js';
import type { CallRequest as _twist_v1_CallRequest, CallRequest__Output as _twist_v1_CallRequest__Output } from './twist/v1/CallRequest.js';
import type { RemoteError as _twist_v1_RemoteError, RemoteError__Output as _twist_v1_RemoteError__Output } from './twist/v1/RemoteError.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  twist: {
    v1: {
      Actor: SubtypeConstructor<typeof grpc.Client, _twist_v1_ActorClient> & { service: _twist_v1_ActorDefinition }
      CallHeader: MessageTypeDefinition<_twist_v1_CallHeader, _twist_v1_CallHeader__Output>
      CallOutcome: MessageTypeDefinition<_twist_v1_CallOutcome, _twist_v1_CallOutcome__Output>
      CallReply: MessageTypeDefinition<_twist_v1_CallReply, _twist_v1_CallReply__Output>
      CallRequest: MessageTypeDefinition<_twist_v1_CallRequest, _twist_v1_CallRequest__Output>
      RemoteError: MessageTypeDefinition<_twist_v1_RemoteError, _twist_v1_RemoteError__Output>
    }
  }
}

