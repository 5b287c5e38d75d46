import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Accept as _twist_v1_Accept, Accept__Output as _twist_v1_Accept__Output } from './twist/v1/Accept.js';
import type { CollectiveClient as _twist_v1_CollectiveClient, CollectiveDefinition as _twist_v1_CollectiveDefinition } from './twist/v1/Collective.js';
import type { Frame as _twist_v1_Frame, Frame__Output as _twist_v1_Frame__Output } from './twist/v1/Frame.js';
import type { StreamReply as _twist_v1_StreamReply, StreamReply__Output as _twist_v1_StreamReply__Output } from './twist/v1/StreamReply.js';
import type { StreamRequest as _twist_v1_StreamRequest, StreamRequest__Output as _twist_v1_StreamRequest__Output } from './twist/v1/StreamRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  twist: {
    v1: {
      Accept: MessageTypeDefinition<_twist_v1_Accept, _twist_v1_Accept__Output>
      Collective: SubtypeConstructor<typeof grpc.Client, _twist_v1_CollectiveClient> & { service: _twist_v1_CollectiveDefinition }
      Frame: MessageTypeDefinition<_twist_v1_Frame, _twist_v1_Frame__Output>
      StreamReply: MessageTypeDefinition<_twist_v1_StreamReply, _twist_v1_StreamReply__Output>
      StreamRequest: MessageTypeDefinition<_twist_v1_StreamRequest, _twist_v1_StreamRequest__Output>
    }
  }
}

