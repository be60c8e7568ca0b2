// Original file: proto/fedcredit/v1/backup.proto


export interface BackupRequest {
}

export interface BackupRequest__Output {
}
