// Original file: proto/cluster.proto


export interface GetClusterStatusRequest {
}

export interface GetClusterStatusRequest__Output {
}
