/**
 * What a bank console keeps beside its gRPC clients (docs/design/console.md 4.3), one per
 * console process, made on first use:
 *   - the bank's query-signing and sealing keys, from its TLS folder (`requester-identity.pem`,
 *     `requester-sealing.key`, as `fedcredit score` reads them by default; scoring/requester-keys.ts),
 *     and one ScoringSession (scoring/requester.ts) that signs queries and opens explanations;
 *   - the answers it received (`<data>/bank-answers`, LevelDB, by log index): a receipt of a
 *     query made here can then also check the coordinator's signature over the answer;
 *   - the keys receipts are checked against: `--state` (an `audit verify` state file) or a
 *     trust file `<data>/trust.json` (as `audit receipt --trust`), pinned, never learned from
 *     the coordinator the receipt is about.
 * The console's skeleton has no `--keys` option: keys elsewhere than the TLS folder are not
 * supported yet (console/README.md lists it as left to do).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Level } from 'level';
import { loadExistingRequesterKeys, type RequesterKeys } from '../../../scoring/requester-keys.js';
import { ScoringSession, type ScoreResult } from '../../../scoring/requester.js';
import { trustFrom, type ReceiptTrust } from '../../../log/audit/receipt.js';
import type { RequestContext } from '../../http/router.js';
import type { ConsoleOptions } from '../../options.js';

export interface StoredAnswer {
  readonly queryId: string;
  readonly enterprise: string;
  readonly points: number;
  readonly grade: string;
  readonly warning: string;
  readonly model: string;
  readonly coverage: readonly { site: string; covered: boolean }[];
  /** Hex. */
  readonly signature: string;
}

interface BankState {
  keys?: RequesterKeys;
  session?: ScoringSession;
  answers?: Promise<Level<string, StoredAnswer>>;
}

const states = new WeakMap<ConsoleOptions, BankState>();

function state(options: ConsoleOptions): BankState {
  let s = states.get(options);
  if (!s) {
    s = {};
    states.set(options, s);
  }
  return s;
}

/** The bank's certified name (what the coordinator scopes every list to). */
export function bankName(ctx: RequestContext): string {
  return ctx.options.identity.name;
}

export function bankKeys(ctx: RequestContext): RequesterKeys {
  const s = state(ctx.options);
  s.keys ??= loadExistingRequesterKeys(ctx.options.tlsDir);
  return s.keys;
}

/** One scoring session per console: one kept-open ScoreStream to the coordinator. */
export function scoringSession(ctx: RequestContext): ScoringSession {
  const s = state(ctx.options);
  s.session ??= new ScoringSession(ctx.clients.target, ctx.clients.transport, bankKeys(ctx), bankName(ctx));
  return s.session;
}

function answersDb(options: ConsoleOptions): Promise<Level<string, StoredAnswer>> {
  const s = state(options);
  s.answers ??= (async () => {
    const dir = path.join(options.dataDir, 'bank-answers');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const db = new Level<string, StoredAnswer>(dir, { valueEncoding: 'json' });
    await db.open();
    return db;
  })();
  return s.answers;
}

const answerKey = (logIndex: number) => logIndex.toString(16).padStart(16, '0');

export async function saveAnswer(ctx: RequestContext, r: ScoreResult): Promise<void> {
  const db = await answersDb(ctx.options);
  await db.put(answerKey(r.logIndex), {
    queryId: r.queryId, enterprise: r.enterprise, points: r.points, grade: r.grade, warning: r.warning, model: r.model,
    coverage: r.coverage.map((c) => ({ site: c.site, covered: c.covered })), signature: Buffer.from(r.answerSignature).toString('hex'),
  });
}

export async function storedAnswer(ctx: RequestContext, logIndex: number): Promise<StoredAnswer | undefined> {
  const db = await answersDb(ctx.options);
  return db.get(answerKey(logIndex));
}

export function trustFilePath(options: ConsoleOptions): string {
  return path.join(options.dataDir, 'trust.json');
}

/** The pinned keys to check receipts with, or undefined when the console was given none. */
export function receiptTrust(options: ConsoleOptions): ReceiptTrust | undefined {
  if (options.state && fs.existsSync(options.state)) return trustFrom({ stateFile: options.state });
  const file = trustFilePath(options);
  return fs.existsSync(file) ? trustFrom({ trustFile: file }) : undefined;
}
