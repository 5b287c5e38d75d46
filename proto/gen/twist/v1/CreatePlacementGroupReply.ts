// Original file: proto/cluster.proto


export interface CreatePlacementGroupReply {
  'placementGroupId'?: (string);
}

export interface CreatePlacementGroupReply__Output {
  'placementGroupId': (string);
}
