// Original file: proto/cluster.proto


export interface GetPlacementGroupRequest {
  'placementGroupId'?: (string);
  'waitReadyMs'?: (number);
}

export interface GetPlacementGroupRequest__Output {
  'placementGroupId': (string);
  'waitReadyMs': (number);
}
