// Original file: proto/cluster.proto


export interface ReportRunMetricsReply {
}

export interface ReportRunMetricsReply__Output {
}
