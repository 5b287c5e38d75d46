// Original file: proto/collective.proto


export interface Hello {
  'groupId'?: (string);
  'generation'?: (number);
  'fromRank'?: (number);
  'worldSize'?: (number);
  'layoutHash'?: (string);
}

export interface Hello__Output {
  'groupId': (string);
  'generation': (number);
  'fromRank': (number);
  'worldSize': (number);
  'layoutHash': (string);
}
