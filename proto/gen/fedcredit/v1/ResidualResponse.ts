// Original file: proto/fedcredit/v1/training.proto

import type { SealedPayload as _fedcredit_v1_SealedPayload, SealedPayload__Output as _fedcredit_v1_SealedPayload__Output } from '../../fedcredit/v1/SealedPayload.js';
import type { MaskedGradient as _fedcredit_v1_MaskedGradient, MaskedGradient__Output as _fedcredit_v1_MaskedGradient__Output } from '../../fedcredit/v1/MaskedGradient.js';

export interface ResidualResponse {
  'residuals'?: (_fedcredit_v1_SealedPayload)[];
  'gradient'?: (_fedcredit_v1_MaskedGradient | null);
}

export interface ResidualResponse__Output {
  'residuals': (_fedcredit_v1_SealedPayload__Output)[];
  'gradient': (_fedcredit_v1_MaskedGradient__Output | null);
}
