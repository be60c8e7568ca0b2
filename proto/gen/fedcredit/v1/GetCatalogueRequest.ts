// Original file: proto/fedcredit/v1/node.proto


export interface GetCatalogueRequest {
}

export interface GetCatalogueRequest__Output {
}
