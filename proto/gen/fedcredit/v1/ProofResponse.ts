// Original file: proto/fedcredit/v1/log.proto


export interface ProofResponse {
  'hashes'?: (Buffer | Uint8Array | string)[];
}

export interface ProofResponse__Output {
  'hashes': (Buffer)[];
}
