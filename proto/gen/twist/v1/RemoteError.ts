// Original file: proto/actor.proto


export interface RemoteError {
  'name'?: (string);
  'code'?: (string);
  'message'?: (string);
  'stack'?: (string);
}

export interface RemoteError__Output {
  'name': (string);
  'code': (string);
  'message': (string);
  'stack': (string);
}
