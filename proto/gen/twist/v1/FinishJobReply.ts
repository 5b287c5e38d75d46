// Original file: proto/cluster.proto


export interface FinishJobReply {
}

export interface FinishJobReply__Output {
}
