// Original file: proto/cluster.proto


export interface ShutdownRequest {
}

export interface ShutdownRequest__Output {
}
