// Original file: proto/fedcredit/v1/monitoring.proto

import type { PsiBin as _fedcredit_v1_PsiBin, PsiBin__Output as _fedcredit_v1_PsiBin__Output } from '../../fedcredit/v1/PsiBin.js';

export interface PsiFigure {
  'insufficient'?: (boolean);
  'value'?: (number | string);
  'level'?: (string);
  'bins'?: (_fedcredit_v1_PsiBin)[];
  'note'?: (string);
}

export interface PsiFigure__Output {
  'insufficient': (boolean);
  'value': (number);
  'level': (string);
  'bins': (_fedcredit_v1_PsiBin__Output)[];
  'note': (string);
}
