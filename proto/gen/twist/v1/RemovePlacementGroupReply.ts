// Original file: proto/cluster.proto


export interface RemovePlacementGroupReply {
}

export interface RemovePlacementGroupReply__Output {
}
