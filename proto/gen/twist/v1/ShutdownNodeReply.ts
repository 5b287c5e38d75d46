// Original file: proto/node.proto


export interface ShutdownNodeReply {
}

export interface ShutdownNodeReply__Output {
}
