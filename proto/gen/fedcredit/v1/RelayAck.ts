// Original file: proto/fedcredit/v1/alignment.proto


export interface RelayAck {
}

export interface RelayAck__Output {
}
