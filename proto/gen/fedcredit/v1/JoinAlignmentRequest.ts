// Original file: proto/fedcredit/v1/alignment.proto

import type { PeerKeys as _fedcredit_v1_PeerKeys, PeerKeys__Output as _fedcredit_v1_PeerKeys__Output } from '../../fedcredit/v1/PeerKeys.js';

export interface JoinAlignmentRequest {
  'alignmentId'?: (string);
  'ring'?: (string)[];
  'validationFraction'?: (number | string);
  'splitSeed'?: (string);
  'peers'?: (_fedcredit_v1_PeerKeys)[];
  'relayAddress'?: (string);
  'idType'?: (string);
  'idCase'?: (string);
}

export interface JoinAlignmentRequest__Output {
  'alignmentId': (string);
  'ring': (string)[];
  'validationFraction': (number);
  'splitSeed': (string);
  'peers': (_fedcredit_v1_PeerKeys__Output)[];
  'relayAddress': (string);
  'idType': (string);
  'idCase': (string);
}
