// Original file: proto/collective.proto


export interface StreamRequest {
  'groupId'?: (string);
  'generation'?: (number);
  'rank'?: (number);
  'worldSize'?: (number);
  'layoutHash'?: (string);
  'tcpData'?: (boolean);
}

export interface StreamRequest__Output {
  'groupId': (string);
  'generation': (number);
  'rank': (number);
  'worldSize': (number);
  'layoutHash': (string);
  'tcpData': (boolean);
}
