// Original file: proto/fedcredit/v1/training.proto

import type { JobSummary as _fedcredit_v1_JobSummary, JobSummary__Output as _fedcredit_v1_JobSummary__Output } from '../../fedcredit/v1/JobSummary.js';

export interface JobList {
  'jobs'?: (_fedcredit_v1_JobSummary)[];
}

export interface JobList__Output {
  'jobs': (_fedcredit_v1_JobSummary__Output)[];
}
