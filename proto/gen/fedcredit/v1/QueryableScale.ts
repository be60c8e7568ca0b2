// Original file: proto/fedcredit/v1/scoring.proto


export interface QueryableScale {
  'basePoints'?: (number | string);
  'baseOdds'?: (number | string);
  'pointsToDoubleOdds'?: (number | string);
}

export interface QueryableScale__Output {
  'basePoints': (number);
  'baseOdds': (number);
  'pointsToDoubleOdds': (number);
}
