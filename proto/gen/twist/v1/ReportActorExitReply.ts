// Original file: proto/cluster.proto


export interface ReportActorExitReply {
}

export interface ReportActorExitReply__Output {
}
