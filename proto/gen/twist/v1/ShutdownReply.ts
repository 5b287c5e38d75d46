// Original file: proto/cluster.proto


export interface ShutdownReply {
}

export interface ShutdownReply__Output {
}
