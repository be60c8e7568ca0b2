/**
 * Two read-only views the coordinator gives a requester (a bank) for its console
 * (docs/design/console.md, section 5):
 *
 *   ListRequesterEntries: the caller's own `query`, `refusal`, `rescore` and `rescore-skip`
 *   entries, newest first, found through the log's requester index (log/requester-index.ts).
 *   The requester is the caller's certified TLS name, never a request field; every entry
 *   returned is decoded and its `requester` compared with that name once more, so neither a
 *   filter nor a stale index can return another bank's entry. The log's other contents are
 *   for auditors, as with GetReceipt.
 *
 *   ListQueryableModels: the models a requester may ask with (version, kind, purpose, sites,
 *   when trained, score scale, grade and warning boundaries) and never a metric: a bank that
 *   is not the label holder learns no AUC (training/model-access.ts keeps the reports to the
 *   label holder's operator).
 */
import type { Level } from 'level';
import { FedcreditError } from '../lib/errors.js';
import { decodeEntry } from '../log/entries.js';
import { findRequesterEntries, REQUESTER_ENTRY_KINDS } from '../log/requester-index.js';
import type { TransparencyLog } from '../log/store.js';
import type { ModelRegistry } from '../training/model-registry.js';
import { modelKind } from '../models/registry.js';
import { GRADES, WARNING_THRESHOLDS } from './score-scale.js';
import { subjectProblem } from '../schema/subject.js';
import type { ListRequesterEntriesRequest__Output } from '../proto/gen/fedcredit/v1/ListRequesterEntriesRequest.js';
import type { RequesterEntries } from '../proto/gen/fedcredit/v1/RequesterEntries.js';
import type { QueryableModels } from '../proto/gen/fedcredit/v1/QueryableModels.js';

export const MAX_REQUESTER_PAGE = 500;
const DEFAULT_REQUESTER_PAGE = 100;

function callerName(caller: string | undefined, method: string): string {
  // Only an insecure test transport has no identity: with no name there is nothing to scope by.
  if (caller === undefined) throw new FedcreditError('IDENTITY_MISMATCH', `Scoring.${method} needs the requester's TLS client certificate: it lists the caller's own entries only`);
  return caller;
}

function pageToken(token: string): number | undefined {
  if (token === '') return undefined;
  if (!/^\d{1,15}$/.test(token)) throw new FedcreditError('BAD_REQUEST', `page_token '${token.slice(0, 32)}' is not one this service returned; omit it to start from the newest entry`);
  return Number(token);
}

export async function listRequesterEntries(log: TransparencyLog, req: ListRequesterEntriesRequest__Output, caller: string | undefined): Promise<RequesterEntries> {
  const requester = callerName(caller, 'ListRequesterEntries');
  const unknown = req.kinds.filter((k) => !(REQUESTER_ENTRY_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new FedcreditError('BAD_REQUEST', `kinds ${unknown.map((k) => `'${k.slice(0, 32)}'`).join(', ')}: a requester lists only ${REQUESTER_ENTRY_KINDS.join(', ')}`);
  if (req.subject !== '' && subjectProblem(req.subject) !== undefined) throw new FedcreditError('BAD_REQUEST', `subject: ${subjectProblem(req.subject)}`);
  const pageSize = req.pageSize === 0 ? DEFAULT_REQUESTER_PAGE : req.pageSize;
  if (pageSize > MAX_REQUESTER_PAGE) throw new FedcreditError('BAD_REQUEST', `page_size ${pageSize} is above ${MAX_REQUESTER_PAGE}; ask for fewer and follow next_page_token`);
  const sinceMs = Number(req.sinceMs) || undefined;
  const untilMs = Number(req.untilMs) || undefined;
  const size = log.size;
  const db = log.database as Level<string, Uint8Array>;
  const found = await findRequesterEntries(db, {
    requester, kinds: req.kinds, ...(req.subject ? { subject: req.subject } : {}),
    ...(sinceMs !== undefined ? { sinceMs } : {}), ...(untilMs !== undefined ? { untilMs } : {}),
    ...(pageToken(req.pageToken) !== undefined ? { before: pageToken(req.pageToken) } : {}), limit: pageSize, size,
  });
  const entries = await Promise.all(found.indices.map(async (index) => {
    const [bytes] = await log.entries(index, index + 1);
    const decoded = bytes ? decodeEntry(bytes) : undefined;
    // The index is a convenience; the entry itself decides whose it is.
    if (!decoded?.ok || decoded.entry.body['requester'] !== requester || !(REQUESTER_ENTRY_KINDS as readonly string[]).includes(decoded.entry.kind)) {
      throw new FedcreditError('INTERNAL', `the requester index names entry ${index}, which is not one of ${requester}'s entries; the coordinator's log index needs rebuilding`);
    }
    return { logIndex: String(index), entry: Buffer.from(bytes!) };
  }));
  return { entries, nextPageToken: found.next !== undefined ? String(found.next) : '', treeSize: String(size) };
}

export async function listQueryableModels(models: ModelRegistry): Promise<QueryableModels> {
  const all = await models.list();
  const out: QueryableModels['models'] = [];
  for (const m of all) {
    // A kind whose scoring is not built yet is no model to ask with (scoring/coordinator.ts refuses it).
    if (m.kind && (await modelKind(m.kind)).scoring.notScorable) continue;
    out.push({
      modelVersion: m.modelVersion, kind: m.kind ?? 'lr', purpose: m.purpose,
      sites: [...new Set(m.sites.map((s) => s.site))].sort(),
      trainedMs: String(Date.parse(m.createdAt) || 0),
      scale: { basePoints: m.scale.basePoints, baseOdds: m.scale.baseOdds, pointsToDoubleOdds: m.scale.pointsToDoubleOdds },
      grades: GRADES.map((g) => ({ grade: g.grade, minPoints: g.minPoints })),
      warnings: WARNING_THRESHOLDS.map((w) => ({ level: w.level, belowPoints: w.belowPoints })),
    });
  }
  // Newest first: versions are m1, m2, ... in training order.
  const order = (v: string | undefined): number => Number((v ?? '').slice(1)) || 0;
  return { models: out.sort((a, b) => order(b.modelVersion) - order(a.modelVersion)) };
}
