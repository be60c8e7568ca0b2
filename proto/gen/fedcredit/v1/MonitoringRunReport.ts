// Original file: proto/fedcredit/v1/monitoring.proto

import type { RefusalCount as _fedcredit_v1_RefusalCount, RefusalCount__Output as _fedcredit_v1_RefusalCount__Output } from '../../fedcredit/v1/RefusalCount.js';
import type { WarningTransition as _fedcredit_v1_WarningTransition, WarningTransition__Output as _fedcredit_v1_WarningTransition__Output } from '../../fedcredit/v1/WarningTransition.js';
import type { GradeCount as _fedcredit_v1_GradeCount, GradeCount__Output as _fedcredit_v1_GradeCount__Output } from '../../fedcredit/v1/GradeCount.js';
import type { PsiFigure as _fedcredit_v1_PsiFigure, PsiFigure__Output as _fedcredit_v1_PsiFigure__Output } from '../../fedcredit/v1/PsiFigure.js';
import type { SiteCsi as _fedcredit_v1_SiteCsi, SiteCsi__Output as _fedcredit_v1_SiteCsi__Output } from '../../fedcredit/v1/SiteCsi.js';
import type { RunLogSpan as _fedcredit_v1_RunLogSpan, RunLogSpan__Output as _fedcredit_v1_RunLogSpan__Output } from '../../fedcredit/v1/RunLogSpan.js';
import type { RunTiming as _fedcredit_v1_RunTiming, RunTiming__Output as _fedcredit_v1_RunTiming__Output } from '../../fedcredit/v1/RunTiming.js';
import type { Long } from '@grpc/proto-loader';

export interface MonitoringRunReport {
  'runId'?: (string);
  'requester'?: (string);
  'portfolio'?: (string);
  'modelVersion'?: (string);
  'trigger'?: (string);
  'asOf'?: ({[key: string]: string});
  'startedMs'?: (number | string | Long);
  'finishedMs'?: (number | string | Long);
  'items'?: (number);
  'scored'?: (number);
  'skipped'?: (_fedcredit_v1_RefusalCount)[];
  'changed'?: (number);
  'transitions'?: (_fedcredit_v1_WarningTransition)[];
  'grades'?: (_fedcredit_v1_GradeCount)[];
  'psi'?: (_fedcredit_v1_PsiFigure | null);
  'csi'?: (_fedcredit_v1_SiteCsi)[];
  'log'?: (_fedcredit_v1_RunLogSpan | null);
  'timing'?: (_fedcredit_v1_RunTiming | null);
}

export interface MonitoringRunReport__Output {
  'runId': (string);
  'requester': (string);
  'portfolio': (string);
  'modelVersion': (string);
  'trigger': (string);
  'asOf': ({[key: string]: string});
  'startedMs': (string);
  'finishedMs': (string);
  'items': (number);
  'scored': (number);
  'skipped': (_fedcredit_v1_RefusalCount__Output)[];
  'changed': (number);
  'transitions': (_fedcredit_v1_WarningTransition__Output)[];
  'grades': (_fedcredit_v1_GradeCount__Output)[];
  'psi': (_fedcredit_v1_PsiFigure__Output | null);
  'csi': (_fedcredit_v1_SiteCsi__Output)[];
  'log': (_fedcredit_v1_RunLogSpan__Output | null);
  'timing': (_fedcredit_v1_RunTiming__Output | null);
}
