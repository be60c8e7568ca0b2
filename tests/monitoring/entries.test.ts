/**
 * The five log entry kinds of post-loan monitoring (log/entries.ts, docs/design/monitoring.md
 * 3.1): well-formed bodies are accepted and survive the canonical encoding; each malformed field
 * is refused with a message naming it; a body can never carry a score (unknown fields are
 * refused); and the auditor's entries view says each kind in words.
 */
import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, ENTRY_KINDS, entryProblem, makeEntry, sitesOf, subjectsOf, type JsonValue, type LogEntry } from '../../log/entries.js';
import { entryRow, KIND_WORDS } from '../../auditor/entries-view.js';
import { makeCreditCode } from '../../schema/credit-code.js';

const SUBJECT = makeCreditCode({ authority: '9', entityType: '1', division: '350100', orgBody: 'M0001000' });
const T = Date.UTC(2026, 11, 1, 2, 0, 0);
const H = (n: number, byte = 'ab'): string => byte.repeat(n);

const GOOD: Record<string, Record<string, JsonValue>> = {
  'portfolio-change create': { op: 'create', requester: 'bank-a', portfolio: 'sme-loans', model: 'm3', time: T },
  'portfolio-change add': {
    op: 'add', requester: 'bank-a', portfolio: 'sme-loans', subject: SUBJECT, consentId: '0f8e3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
    consentHash: H(32), consentValidUntil: T + 400 * 86_400_000, consentMaxUses: 12, instruction: H(150, '7b'), requesterKey: H(32, 'cd'),
    signature: H(64, 'ef'), time: T,
  },
  'portfolio-change remove': {
    op: 'remove', requester: 'bank-a', portfolio: 'sme-loans', subject: SUBJECT, consentId: '0f8e3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
    consentHash: H(32), instruction: H(150, '7b'), requesterKey: H(32, 'cd'), signature: H(64, 'ef'), time: T,
  },
  'monitoring-run': {
    runId: 'r-2026-12-a1b2c3d4', requester: 'bank-a', portfolio: 'sme-loans', model: 'm3', purpose: 'loan-monitoring',
    participants: ['bank', 'power', 'tax'], asOf: { bank: '2026-10', power: '2026-11', tax: '2026-11' }, trigger: 'schedule', items: 300,
    sealingKey: H(32, '12'), sealingKeySignature: H(64, '34'), time: T,
  },
  'rescore': { run: 1041, requester: 'bank-a', subject: SUBJECT, consentId: '0f8e3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b', consentHash: H(32), sites: ['bank', 'power', 'tax'], time: T },
  'rescore-skip': { run: 1041, requester: 'bank-a', subject: SUBJECT, consentId: '0f8e3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b', refusedBy: 'power', reason: 'CONSENT_REVOKED', time: T },
  'monitoring-run-end': { run: 1041, scored: 298, skipped: 2, changed: 17, time: T },
};

const kindOf = (name: string): string => name.split(' ')[0]!;
const entry = (name: string, body: Record<string, JsonValue>): LogEntry => ({ v: 1, kind: kindOf(name), body });
const without = (body: Record<string, JsonValue>, field: string): Record<string, JsonValue> => {
  const { [field]: _gone, ...rest } = body;
  return rest;
};

describe('monitoring log entries', () => {
  it.each(Object.keys(GOOD))('%s: well-formed, canonical, and decodes to itself', (name) => {
    const e = makeEntry(kindOf(name) as keyof typeof ENTRY_KINDS, GOOD[name]!);
    const bytes = encodeEntry(e);
    const back = decodeEntry(bytes);
    expect(back).toEqual({ ok: true, entry: e });
    expect(entryProblem(e)).toBeUndefined();
  });

  it.each(Object.keys(GOOD))('%s: every required field, when missing, is named', (name) => {
    const body = GOOD[name]!;
    for (const field of Object.keys(body)) {
      expect(entryProblem(entry(name, without(body, field))), `${name} without ${field}`).toMatch(new RegExp(`${kindOf(name)}: (missing field ${field}|op \\w+ needs ${field})`));
    }
  });

  it.each(Object.keys(GOOD))('%s: no score can be logged (unknown fields are refused)', (name) => {
    for (const field of ['score', 'points', 'grade', 'probabilityOfDefault']) {
      expect(entryProblem(entry(name, { ...GOOD[name]!, [field]: 700 }))).toBe(`${kindOf(name)}: unknown fields ${field}`);
    }
  });

  it('each malformed field is refused with a message naming it', () => {
    const cases: [string, string, JsonValue, RegExp][] = [
      ['portfolio-change add', 'op', 'replace', /op must be one of create, add, remove, got "replace"/],
      ['portfolio-change add', 'portfolio', 'SME Loans', /portfolio must be a portfolio name/],
      ['portfolio-change add', 'subject', ' padded ', /subject must name an enterprise/],
      ['portfolio-change add', 'consentHash', 'ABCD', /consentHash must be lowercase hex/],
      ['portfolio-change add', 'consentMaxUses', -1, /consentMaxUses must be a non-negative integer/],
      ['portfolio-change add', 'instruction', '{"op":"add"}', /instruction must be lowercase hex/],
      ['portfolio-change add', 'requester', '', /requester must be a non-empty string/],
      ['monitoring-run', 'purpose', 'credit-assessment', /purpose must be one of loan-monitoring/],
      ['monitoring-run', 'participants', [], /participants must be a non-empty list of site names/],
      ['monitoring-run', 'asOf', { tax: '2026-13' }, /asOf must be an object of site name -> month/],
      ['monitoring-run', 'asOf', {}, /asOf must be an object of site name -> month \(YYYY-MM\), at least one/],
      ['monitoring-run', 'asOf', { courts: '2026-11' }, /asOf names sites that are not participants: courts/],
      ['monitoring-run', 'trigger', 'cron', /trigger must be schedule, ingest:<site> or manual:<caller>/],
      ['monitoring-run', 'items', 1.5, /items must be a non-negative integer/],
      ['monitoring-run', 'sealingKey', 'zz', /sealingKey must be lowercase hex/],
      ['rescore', 'run', '1041', /run must be a non-negative integer/],
      ['rescore', 'sites', ['Tax'], /sites must be a non-empty list of site names/],
      ['rescore-skip', 'reason', 'revoked', /reason must be an error code/],
      ['rescore-skip', 'refusedBy', 7, /refusedBy must be a non-empty string/],
      ['monitoring-run-end', 'changed', -3, /changed must be a non-negative integer/],
      ['monitoring-run-end', 'time', 'yesterday', /time must be a non-negative integer/],
    ];
    for (const [name, field, value, message] of cases) {
      expect(entryProblem(entry(name, { ...GOOD[name]!, [field]: value })), `${name} ${field}=${JSON.stringify(value)}`).toMatch(message);
    }
  });

  it('triggers name a site or a caller', () => {
    for (const trigger of ['schedule', 'ingest:power', 'manual:operator/coordinator', 'manual:bank-a']) {
      expect(entryProblem(entry('monitoring-run', { ...GOOD['monitoring-run']!, trigger })), trigger).toBeUndefined();
    }
    expect(entryProblem(entry('monitoring-run', { ...GOOD['monitoring-run']!, trigger: 'ingest:' }))).toMatch(/trigger/);
  });

  it('a portfolio-change carries exactly the fields of its op', () => {
    const create = GOOD['portfolio-change create']!;
    const add = GOOD['portfolio-change add']!;
    expect(entryProblem(entry('portfolio-change', { ...create, subject: SUBJECT }))).toBe('portfolio-change: op create takes no subject');
    expect(entryProblem(entry('portfolio-change', { ...add, model: 'm3' }))).toBe('portfolio-change: op add takes no model');
    expect(entryProblem(entry('portfolio-change', { ...GOOD['portfolio-change remove']!, consentMaxUses: 12 }))).toBe('portfolio-change: op remove takes no consentMaxUses');
    expect(entryProblem(entry('portfolio-change', without(add, 'signature')))).toBe('portfolio-change: op add needs signature');
  });

  it('sites and subjects keep their meaning: a rescore is served by its sites; a run entry and a skip are served by none', () => {
    expect(sitesOf(entry('rescore', GOOD['rescore']!))).toEqual(['bank', 'power', 'tax']);
    expect(sitesOf(entry('monitoring-run', GOOD['monitoring-run']!))).toEqual([]);
    expect(sitesOf(entry('rescore-skip', GOOD['rescore-skip']!))).toEqual([]);
    for (const name of ['portfolio-change add', 'portfolio-change remove', 'rescore', 'rescore-skip']) expect(subjectsOf(entry(name, GOOD[name]!))).toEqual([SUBJECT]);
  });

  it('the auditor\'s entries view says every kind in words, and who re-scored the enterprise', () => {
    for (const kind of Object.keys(ENTRY_KINDS)) expect(KIND_WORDS[kind], kind).toBeDefined();
    const row = entryRow({ index: 1042, kind: 'rescore', body: GOOD['rescore']! });
    expect(row).toMatchObject({ kindText: 'monitoring re-score', requester: 'bank-a', enterprises: [SUBJECT] });
    expect(entryRow({ index: 1043, kind: 'rescore-skip', body: GOOD['rescore-skip']! }).kindText).toBe('monitoring re-score skipped');
  });
});
