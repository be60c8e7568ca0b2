// Original file: proto/fedcredit/v1/node.proto

import type { IngestManifestEntry as _fedcredit_v1_IngestManifestEntry, IngestManifestEntry__Output as _fedcredit_v1_IngestManifestEntry__Output } from '../../fedcredit/v1/IngestManifestEntry.js';
import type { Long } from '@grpc/proto-loader';

export interface ListIngestsResponse {
  'ingests'?: (_fedcredit_v1_IngestManifestEntry)[];
  'nextPageToken'?: (string);
  'total'?: (number | string | Long);
}

export interface ListIngestsResponse__Output {
  'ingests': (_fedcredit_v1_IngestManifestEntry__Output)[];
  'nextPageToken': (string);
  'total': (string);
}
