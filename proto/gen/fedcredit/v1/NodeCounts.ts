// Original file: proto/fedcredit/v1/coordinator.proto


export interface NodeCounts {
  'up'?: (number);
  'down'?: (number);
  'unknown'?: (number);
}

export interface NodeCounts__Output {
  'up': (number);
  'down': (number);
  'unknown': (number);
}
