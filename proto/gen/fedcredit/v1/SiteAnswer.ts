// Original file: proto/fedcredit/v1/scoring.proto


export interface SiteAnswer {
  'site'?: (string);
  'covered'?: (boolean);
  'sealedExplanation'?: (Buffer | Uint8Array | string);
  'siteKeyStatement'?: (Buffer | Uint8Array | string);
}

export interface SiteAnswer__Output {
  'site': (string);
  'covered': (boolean);
  'sealedExplanation': (Buffer);
  'siteKeyStatement': (Buffer);
}
