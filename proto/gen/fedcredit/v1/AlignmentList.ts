// Original file: proto/fedcredit/v1/alignment.proto

import type { AlignmentSummary as _fedcredit_v1_AlignmentSummary, AlignmentSummary__Output as _fedcredit_v1_AlignmentSummary__Output } from '../../fedcredit/v1/AlignmentSummary.js';

export interface AlignmentList {
  'alignments'?: (_fedcredit_v1_AlignmentSummary)[];
}

export interface AlignmentList__Output {
  'alignments': (_fedcredit_v1_AlignmentSummary__Output)[];
}
