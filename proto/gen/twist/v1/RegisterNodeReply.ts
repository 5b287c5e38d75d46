// Original file: proto/cluster.proto


export interface RegisterNodeReply {
  'nodeId'?: (string);
  'headInstance'?: (string);
  'stopActorIds'?: (string)[];
}

export interface RegisterNodeReply__Output {
  'nodeId': (string);
  'headInstance': (string);
  'stopActorIds': (string)[];
}
