// Original file: proto/fedcredit/v1/node.proto

import type { RecordCount as _fedcredit_v1_RecordCount, RecordCount__Output as _fedcredit_v1_RecordCount__Output } from '../../fedcredit/v1/RecordCount.js';
import type { FeatureStatus as _fedcredit_v1_FeatureStatus, FeatureStatus__Output as _fedcredit_v1_FeatureStatus__Output } from '../../fedcredit/v1/FeatureStatus.js';
import type { ActiveTable as _fedcredit_v1_ActiveTable, ActiveTable__Output as _fedcredit_v1_ActiveTable__Output } from '../../fedcredit/v1/ActiveTable.js';
import type { IngestManifestEntry as _fedcredit_v1_IngestManifestEntry, IngestManifestEntry__Output as _fedcredit_v1_IngestManifestEntry__Output } from '../../fedcredit/v1/IngestManifestEntry.js';
import type { IngestProgress as _fedcredit_v1_IngestProgress, IngestProgress__Output as _fedcredit_v1_IngestProgress__Output } from '../../fedcredit/v1/IngestProgress.js';
import type { Long } from '@grpc/proto-loader';

export interface NodeOperatorStatus {
  'site'?: (string);
  'source'?: (string);
  'asOf'?: (string);
  'enterprises'?: (number | string | Long);
  'hasLabels'?: (boolean);
  'records'?: (_fedcredit_v1_RecordCount)[];
  'catalogue'?: (_fedcredit_v1_FeatureStatus)[];
  'tables'?: (_fedcredit_v1_ActiveTable)[];
  'ingests'?: (_fedcredit_v1_IngestManifestEntry)[];
  'ingestCount'?: (number | string | Long);
  'ingest'?: (_fedcredit_v1_IngestProgress | null);
}

export interface NodeOperatorStatus__Output {
  'site': (string);
  'source': (string);
  'asOf': (string);
  'enterprises': (string);
  'hasLabels': (boolean);
  'records': (_fedcredit_v1_RecordCount__Output)[];
  'catalogue': (_fedcredit_v1_FeatureStatus__Output)[];
  'tables': (_fedcredit_v1_ActiveTable__Output)[];
  'ingests': (_fedcredit_v1_IngestManifestEntry__Output)[];
  'ingestCount': (string);
  'ingest': (_fedcredit_v1_IngestProgress__Output | null);
}
