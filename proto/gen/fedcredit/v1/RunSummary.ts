// Original file: proto/fedcredit/v1/monitoring.proto

import type { SiteCsiMax as _fedcredit_v1_SiteCsiMax, SiteCsiMax__Output as _fedcredit_v1_SiteCsiMax__Output } from '../../fedcredit/v1/SiteCsiMax.js';
import type { Long } from '@grpc/proto-loader';

export interface RunSummary {
  'runId'?: (string);
  'requester'?: (string);
  'portfolio'?: (string);
  'modelVersion'?: (string);
  'trigger'?: (string);
  'asOf'?: (string);
  'startedMs'?: (number | string | Long);
  'finishedMs'?: (number | string | Long);
  'stage'?: (string);
  'items'?: (number);
  'scored'?: (number);
  'skipped'?: (number);
  'changed'?: (number);
  'psi'?: (number | string);
  'psiLevel'?: (string);
  'csiMax'?: (_fedcredit_v1_SiteCsiMax)[];
}

export interface RunSummary__Output {
  'runId': (string);
  'requester': (string);
  'portfolio': (string);
  'modelVersion': (string);
  'trigger': (string);
  'asOf': (string);
  'startedMs': (string);
  'finishedMs': (string);
  'stage': (string);
  'items': (number);
  'scored': (number);
  'skipped': (number);
  'changed': (number);
  'psi': (number);
  'psiLevel': (string);
  'csiMax': (_fedcredit_v1_SiteCsiMax__Output)[];
}
