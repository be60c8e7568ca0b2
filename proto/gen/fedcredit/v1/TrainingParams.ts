// Original file: proto/fedcredit/v1/training.proto

import type { Preprocessing as _fedcredit_v1_Preprocessing, Preprocessing__Output as _fedcredit_v1_Preprocessing__Output } from '../../fedcredit/v1/Preprocessing.js';

export interface TrainingParams {
  'epochs'?: (number);
  'batchSize'?: (number);
  'learningRate'?: (number | string);
  'decay'?: (number | string);
  'l2'?: (number | string);
  'seed'?: (number);
  'patience'?: (number);
  'minDelta'?: (number | string);
  'preprocessing'?: (_fedcredit_v1_Preprocessing | null);
}

export interface TrainingParams__Output {
  'epochs': (number);
  'batchSize': (number);
  'learningRate': (number);
  'decay': (number);
  'l2': (number);
  'seed': (number);
  'patience': (number);
  'minDelta': (number);
  'preprocessing': (_fedcredit_v1_Preprocessing__Output | null);
}
