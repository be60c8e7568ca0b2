// Original file: proto/fedcredit/v1/scoring.proto


export interface LeafChainHopResponse {
  'payload'?: (Buffer | Uint8Array | string);
  'laneShare'?: (string);
}

export interface LeafChainHopResponse__Output {
  'payload': (Buffer);
  'laneShare': (string);
}
