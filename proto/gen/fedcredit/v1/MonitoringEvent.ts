// Original file: proto/fedcredit/v1/monitoring.proto

import type { EventScore as _fedcredit_v1_EventScore, EventScore__Output as _fedcredit_v1_EventScore__Output } from '../../fedcredit/v1/EventScore.js';
import type { SiteAnswer as _fedcredit_v1_SiteAnswer, SiteAnswer__Output as _fedcredit_v1_SiteAnswer__Output } from '../../fedcredit/v1/SiteAnswer.js';
import type { RunSummary as _fedcredit_v1_RunSummary, RunSummary__Output as _fedcredit_v1_RunSummary__Output } from '../../fedcredit/v1/RunSummary.js';
import type { Long } from '@grpc/proto-loader';

export interface MonitoringEvent {
  'eventId'?: (number | string | Long);
  'kind'?: (string);
  'portfolio'?: (string);
  'runId'?: (string);
  'subject'?: (string);
  'timeMs'?: (number | string | Long);
  'previous'?: (_fedcredit_v1_EventScore | null);
  'current'?: (_fedcredit_v1_EventScore | null);
  'direction'?: (string);
  'modelChanged'?: (boolean);
  'skipCode'?: (string);
  'sites'?: (_fedcredit_v1_SiteAnswer)[];
  'logIndex'?: (number | string | Long);
  'entry'?: (Buffer | Uint8Array | string);
  'answerSignature'?: (Buffer | Uint8Array | string);
  'run'?: (_fedcredit_v1_RunSummary | null);
}

export interface MonitoringEvent__Output {
  'eventId': (string);
  'kind': (string);
  'portfolio': (string);
  'runId': (string);
  'subject': (string);
  'timeMs': (string);
  'previous': (_fedcredit_v1_EventScore__Output | null);
  'current': (_fedcredit_v1_EventScore__Output | null);
  'direction': (string);
  'modelChanged': (boolean);
  'skipCode': (string);
  'sites': (_fedcredit_v1_SiteAnswer__Output)[];
  'logIndex': (string);
  'entry': (Buffer);
  'answerSignature': (Buffer);
  'run': (_fedcredit_v1_RunSummary__Output | null);
}
