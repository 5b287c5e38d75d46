export * from './load-proto.js';
export type { ProtoGrpcType as CollectiveProto } from './gen/collective.js';
export type { CollectiveClient, CollectiveHandlers } from './gen/twist/v1/Collective.js';
export type { StreamRequest, StreamRequest__Output } from './gen/twist/v1/StreamRequest.js';
export type { StreamReply, StreamReply__Output } from './gen/twist/v1/StreamReply.js';
export type { Frame__Output } from './gen/twist/v1/Frame.js';
