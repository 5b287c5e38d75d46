// Original file: proto/cluster.proto


export interface CreateActorRequest {
  'jobId'?: (string);
  'className'?: (string);
  'args'?: (Buffer | Uint8Array | string);
  'resources'?: ({[key: string]: number | string});
  'strategy'?: (string);
  'maxRestarts'?: (number);
  'placementGroupId'?: (string);
  'bundleIndex'?: (number);
  'labelSelector'?: ({[key: string]: string});
  'name'?: (string);
  'detached'?: (boolean);
}

export interface CreateActorRequest__Output {
  'jobId': (string);
  'className': (string);
  'args': (Buffer);
  'resources': ({[key: string]: number});
  'strategy': (string);
  'maxRestarts': (number);
  'placementGroupId': (string);
  'bundleIndex': (number);
  'labelSelector': ({[key: string]: string});
  'name': (string);
  'detached': (boolean);
}
