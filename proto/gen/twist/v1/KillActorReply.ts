// Original file: proto/cluster.proto


export interface KillActorReply {
}

export interface KillActorReply__Output {
}
