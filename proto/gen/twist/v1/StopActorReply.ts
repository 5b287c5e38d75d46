// Original file: proto/node.proto


export interface StopActorReply {
}

export interface StopActorReply__Output {
}
