/**
 * The portfolio calls at the coordinator (monitoring/portfolio-service.ts), in process: a real
 * LevelDB state and transparency log, the coordinator's consent ledger, and stand-in nodes that
 * record what StoreItems carries to them. Each add is refused per item with its code; the
 * accepted ones of a call are one log batch, stored, and carried to every node with the log
 * entries that add them; no consent use is spent.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity, identityFromSeed, type Identity } from '../../crypto/identity.js';
import { ConsentLedger, memoryLedgerStore } from '../../consent/ledger.js';
import { bindEnterpriseKey, encodeConsent, grantConsent, type Consent } from '../../consent/verify.js';
import { FedcreditError } from '../../lib/errors.js';
import { decodeEntry } from '../../log/entries.js';
import { CoordinatorLog } from '../../log/service.js';
import { CoordinatorMonitoring } from '../../monitoring/coordinator-state.js';
import { signInstruction } from '../../monitoring/instruction.js';
import type { NodeLink } from '../../monitoring/node-link.js';
import { PortfolioService } from '../../monitoring/portfolio-service.js';
import type { ItemsBatch } from '../../proto/gen/fedcredit/v1/ItemsBatch.js';
import type { NodeMonitoringClient } from '../../proto/gen/fedcredit/v1/NodeMonitoring.js';
import { signSealingKey } from '../../scoring/protocol.js';
import { DEFAULT_SCORE_SCALE } from '../../scoring/score-scale.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import { DEFAULT_PARAMS } from '../../training/schedule.js';
import { creditCodeCheckChar } from '../../schema/credit-code.js';

const DAY = 86_400_000;
const SITES = ['bank', 'power', 'tax'];
// Valid credit codes (the check character computed), in ascending order.
const SUBJECTS = ['91110000000000001', '91110000000000002', '91110000000000003', '91110000000000004', '91110000000000005']
  .map((s) => s + creditCodeCheckChar(s));
const model = (version: string, purpose: string): ModelMetadata => ({
  modelVersion: version, jobId: 'j', alignmentId: 'a', purpose, sites: SITES.map((site) => ({ site, role: site === 'bank' ? 'bank' : 'passive', featureCount: 3 })) as never,
  params: DEFAULT_PARAMS, scale: DEFAULT_SCORE_SCALE, metrics: {}, createdAt: new Date().toISOString(),
});

let dir: string;
let log: CoordinatorLog;
let state: CoordinatorMonitoring;
let ledger: ConsentLedger;
let svc: PortfolioService;
const registrar = identityFromSeed(new Uint8Array(32).fill(3));
const bank = generateIdentity();
const bankB = generateIdentity();
const enterprises = new Map<string, Identity>();
/** What each stand-in node was sent, and the subjects it refuses. */
const received = new Map<string, ItemsBatch[]>();
const refuseAt = new Map<string, Set<string>>();

function standInNode(site: string): NodeMonitoringClient {
  return {
    StoreItems: () => {
      const call = new EventEmitter() as EventEmitter & { write(b: ItemsBatch): void; end(): void; cancel(): void };
      call.write = (b) => {
        received.set(site, [...(received.get(site) ?? []), b]);
        const refused = refuseAt.get(site) ?? new Set();
        setImmediate(() => call.emit('data', {
          seq: b.seq, logSize: String(Number(b.entriesFrom) + (b.entries?.length ?? 0)),
          items: (b.items ?? []).map((i) => (refused.has(i.subject!) ? { subject: i.subject, ok: false, code: 'CONSENT_REVOKED', message: 'revoked here' } : { subject: i.subject, ok: true, code: '', message: '' })),
        }));
      };
      call.end = () => undefined;
      call.cancel = () => undefined;
      return call;
    },
    close: () => undefined,
  } as unknown as NodeMonitoringClient;
}

function consent(subject: string, o: { purpose?: string; requester?: { name: string; key: Identity } } = {}): Consent {
  const r = o.requester ?? { name: 'bank-a', key: bank };
  return grantConsent(enterprises.get(subject)!, {
    subject, requester: { name: r.name, key: Buffer.from(r.key.publicKey).toString('hex') }, dataHolders: SITES, purpose: o.purpose ?? 'loan-monitoring',
    operations: ['score', 'explain'], validForMs: 30 * DAY, maxUses: 12, dataWindow: { from: '2024-01', to: '2025-12' },
  }, { issuedAt: Date.now() - 60_000 });
}

function add(c: Consent, portfolio = 'sme-loans', signer: Identity = bank, time?: number) {
  let i;
  try {
    i = signInstruction(signer, c, { op: 'add', portfolio, ...(time !== undefined ? { time } : {}) });
  } catch {
    // A key the consent does not name: sign the same text by hand, as a forger would.
    i = signInstruction(bank, c, { op: 'add', portfolio, ...(time !== undefined ? { time } : {}) });
    i = { text: i.text, signature: signer.sign(new TextEncoder().encode(`fedcredit monitoring instruction v1\n${i.text}`)) };
  }
  return { consent: encodeConsent(c), instruction: new TextEncoder().encode(i.text), signature: i.signature };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-portfolio-service-'));
  log = await CoordinatorLog.open({ dataDir: dir, identity: generateIdentity(), witnesses: async () => [], log: () => undefined });
  state = await CoordinatorMonitoring.open(dir);
  ledger = ConsentLedger.over(memoryLedgerStore(), { trustedRegistrars: [registrar.publicKey] });
  for (const s of SUBJECTS) {
    const key = generateIdentity();
    enterprises.set(s, key);
    expect((await ledger.addKeyBinding(bindEnterpriseKey(registrar, s, key.publicKey, Date.now() - DAY))).ok).toBe(true);
  }
  const models = new Map([['m1', model('m1', 'credit-scoring')], ['m2', model('m2', 'credit-assessment')]]);
  const nodes: NodeLink = { address: async (site) => `127.0.0.1:${SITES.indexOf(site) + 1}`, client: (site) => standInNode(site) };
  svc = new PortfolioService({ state, ledger, log, models: { get: async (v) => models.get(v) }, nodes, logLine: () => undefined });
});

afterAll(async () => {
  await state?.close();
  await log?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const sealing = () => {
  const key = new Uint8Array(32).fill(9);
  return { sealingKey: key, sealingKeySignature: signSealingKey(bank, 'bank-a', key) };
};
const refusal = async (p: Promise<unknown>) => p.then(() => 'accepted', (e: unknown) => (e instanceof FedcreditError ? e.code : String(e)));

describe('CreatePortfolio', () => {
  it('logs a create entry and refuses a second portfolio of the name, an unknown model, a model for another purpose, a bad name', async () => {
    const { logIndex } = await svc.create('bank-a', { portfolio: 'sme-loans', modelVersion: 'm1', schedule: '', ...sealing() });
    const [bytes] = await log.store.entries(logIndex, logIndex + 1);
    const d = decodeEntry(bytes!);
    expect(d.ok && d.entry).toMatchObject({ kind: 'portfolio-change', body: { op: 'create', requester: 'bank-a', portfolio: 'sme-loans', model: 'm1' } });
    expect(await refusal(svc.create('bank-a', { portfolio: 'sme-loans', modelVersion: 'm1', schedule: '', ...sealing() }))).toBe('PORTFOLIO_ITEM_EXISTS');
    expect(await refusal(svc.create('bank-a', { portfolio: 'other', modelVersion: 'm9', schedule: '', ...sealing() }))).toBe('MODEL_NOT_FOUND');
    expect(await refusal(svc.create('bank-a', { portfolio: 'other', modelVersion: 'm2', schedule: '', ...sealing() }))).toBe('MODEL_PURPOSE_MISMATCH');
    expect(await refusal(svc.create('bank-a', { portfolio: 'Not A Name', modelVersion: 'm1', schedule: '', ...sealing() }))).toBe('BAD_REQUEST');
    expect(await refusal(svc.create('bank-a', { portfolio: 'other', modelVersion: 'm1', schedule: '61 * * * *', ...sealing() }))).toBe('BAD_REQUEST');
    // Another bank may use the same name: portfolios are per requester.
    await svc.create('bank-b', { portfolio: 'sme-loans', modelVersion: 'm1', schedule: '', sealingKey: new Uint8Array(32).fill(9), sealingKeySignature: signSealingKey(bankB, 'bank-b', new Uint8Array(32).fill(9)) });
  });
});

describe('UpdatePortfolio', () => {
  it('refuses per item with stable codes, logs the accepted adds in one batch and carries them to every node, using no consent use', async () => {
    const [a, b, c, d, e] = SUBJECTS as [string, string, string, string, string];
    refuseAt.set('power', new Set([c]));
    let appendBatches = 0;
    const appendBatch = log.appendBatch.bind(log);
    log.appendBatch = async (entries) => {
      appendBatches++;
      return appendBatch(entries);
    };
    const before = log.store.size;
    let results;
    try {
      results = await svc.update('bank-a', 'sme-loans', [
        add(consent(a)),
        add(consent(b, { purpose: 'credit-assessment' })), // another purpose
        add(consent(c)), // refused by the power node
        add(consent(d), 'sme-loans', bankB), // not signed by the consent's requester key
        add(consent(a)), // twice in one call
        add(consent(e, { requester: { name: 'bank-b', key: bankB } }), 'sme-loans', bankB), // another bank's consent
        add(consent(b)),
      ], []);
    } finally {
      log.appendBatch = appendBatch;
    }
    expect(results.map((r) => [r.subject, r.ok, r.code])).toEqual([
      [a, true, ''], [b, false, 'CONSENT_PURPOSE_NOT_COVERED'], [c, false, 'CONSENT_REVOKED'], [d, false, 'INSTRUCTION_INVALID'],
      [a, false, 'PORTFOLIO_ITEM_EXISTS'], [e, false, 'INSTRUCTION_INVALID'], [b, true, ''],
    ]);
    expect(appendBatches).toBe(1);
    // a, c, b were logged (c passed the coordinator's checks; the power node refused it).
    expect(log.store.size - before).toBe(3);
    expect([results[0]!.logIndex, results[2]!.logIndex, results[6]!.logIndex].map(Number)).toEqual([before, before + 1, before + 2]);
    for (const site of SITES) {
      const sent = received.get(site)!;
      expect(sent, site).toHaveLength(1);
      expect(sent[0]!.items!.map((i) => i.subject)).toEqual([a, c, b]);
      const from = Number(sent[0]!.entriesFrom);
      expect(from + sent[0]!.entries!.length).toBe(before + 3);
      expect(from).toBeLessThanOrEqual(before);
      expect(sent[0]!.checkpoint).toMatch(/\n/);
    }
    // Accepted without a use: uses are counted per as-of month by the runs.
    expect(await ledger.usesOf(consent(a).consentId)).toBe(0);
    expect((await state.portfolios.item('bank-a', 'sme-loans', a))?.status).toBe('active');
    // Logged, but a node refused it: kept with the node's reason (a run skips it; the bank removes it).
    expect((await state.portfolios.item('bank-a', 'sme-loans', c))?.status).toBe('skipped:CONSENT_REVOKED');
    expect(await state.portfolios.item('bank-a', 'sme-loans', d)).toBeUndefined();
    // ...and no run sends it: a node without the item refuses the whole batch (QUERY_NOT_LOGGED).
    const inRuns: string[] = [];
    for await (const i of state.portfolios.active('bank-a', 'sme-loans')) inRuns.push(i.subject);
    expect(inRuns).toContain(a);
    expect(inRuns).not.toContain(c);
  });

  it('removes under a fresh instruction, refuses an old add replayed after it, and takes a new add', async () => {
    const a = SUBJECTS[0]!;
    const item = (await state.portfolios.item('bank-a', 'sme-loans', a))!;
    const c = JSON.parse(item.consent) as Consent;
    const replay = { consent: item.consent, instruction: new TextEncoder().encode(item.instruction), signature: Buffer.from(item.signature, 'hex') };
    const rm = signInstruction(bank, c, { op: 'remove', portfolio: 'sme-loans', time: item.instructionTime + 1 });
    const [removed] = await svc.update('bank-a', 'sme-loans', [], [{ subject: a, instruction: new TextEncoder().encode(rm.text), signature: rm.signature }]);
    expect(removed).toMatchObject({ subject: a, ok: true });
    const [bytes] = await log.store.entries(Number(removed!.logIndex), Number(removed!.logIndex) + 1);
    const d = decodeEntry(bytes!);
    expect(d.ok && d.entry.body).toMatchObject({ op: 'remove', subject: a });
    expect((await state.portfolios.item('bank-a', 'sme-loans', a))?.status).toBe('removed');
    const [again] = await svc.update('bank-a', 'sme-loans', [replay], []);
    expect(again).toMatchObject({ ok: false, code: 'INSTRUCTION_INVALID' });
    const [fresh] = await svc.update('bank-a', 'sme-loans', [add(c, 'sme-loans', bank, item.instructionTime + 2)], []);
    expect(fresh).toMatchObject({ ok: true });
    // A subject not in the portfolio cannot be removed.
    const [none] = await svc.update('bank-a', 'sme-loans', [], [{ subject: SUBJECTS[3]!, instruction: new Uint8Array(), signature: new Uint8Array() }]);
    expect(none).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('takes at most 1,000 adds a call, and only the caller\'s own portfolio', async () => {
    const many = Array.from({ length: 1001 }, () => add(consent(SUBJECTS[4]!)));
    expect(await refusal(svc.update('bank-a', 'sme-loans', many, []))).toBe('BAD_REQUEST');
    expect(await refusal(svc.update('bank-c', 'sme-loans', [add(consent(SUBJECTS[4]!))], []))).toBe('PORTFOLIO_NOT_FOUND');
  });
});

describe('ListPortfolios and ListPortfolio', () => {
  it('count the caller\'s items; the operator sees every portfolio', async () => {
    const own = await svc.summaries('bank-a');
    expect(own.map((p) => [p.requester, p.portfolio, p.items, p.active, p.skipped])).toEqual([['bank-a', 'sme-loans', 3, 2, 1]]);
    expect((await svc.summaries(undefined)).map((p) => p.requester).sort()).toEqual(['bank-a', 'bank-b']);
    const page = await svc.listItems('bank-a', 'sme-loans', { pageToken: '', pageSize: 2, warning: '', status: '' });
    expect(page.items).toHaveLength(2);
    expect(page.items[0]).toMatchObject({ status: 'active', usesLeft: 12 });
    const skipped = await svc.listItems('bank-a', 'sme-loans', { pageToken: '', pageSize: 0, warning: '', status: 'skipped' });
    expect(skipped.items.map((i) => i.subject)).toEqual([SUBJECTS[2]]);
    const rest = await svc.listItems('bank-a', 'sme-loans', { pageToken: page.nextPageToken, pageSize: 2, warning: '', status: '' });
    expect(rest.items).toHaveLength(1);
    expect(rest.nextPageToken).toBe('');
    expect(await refusal(svc.listItems('bank-b', 'nope', { pageToken: '', pageSize: 0, warning: '', status: '' }))).toBe('PORTFOLIO_NOT_FOUND');
  });
});

describe('StoreItems under load', () => {
  it('sends a call a node did not answer in time once more, instead of refusing items the node may have stored', async () => {
    const calls = new Map<string, number>();
    const nodes: NodeLink = {
      address: async (site) => `127.0.0.1:${SITES.indexOf(site) + 1}`,
      client: (site) => {
        calls.set(site, (calls.get(site) ?? 0) + 1);
        const inner = standInNode(site);
        if (site !== 'tax' || calls.get(site)! > 1) return inner;
        // The tax node's first call is never answered (a node busy past the deadline).
        return { ...inner, StoreItems: () => Object.assign(new EventEmitter(), { write: () => undefined, end: () => undefined, cancel: () => undefined }) } as unknown as NodeMonitoringClient;
      },
    };
    const models = new Map([['m1', model('m1', 'credit-scoring')]]);
    const lines: string[] = [];
    const slow = new PortfolioService({ state, ledger, log, models: { get: async (v) => models.get(v) }, nodes, logLine: (l) => lines.push(l), storeItemsBaseDeadlineMs: 200 });
    await slow.create('bank-a', { portfolio: 'slow-node', modelVersion: 'm1', schedule: '', ...sealing() });
    const [, , , d] = SUBJECTS as [string, string, string, string];
    const results = await slow.update('bank-a', 'slow-node', [add(consent(d), 'slow-node')], []);
    expect(results.map((r) => [r.ok, r.code])).toEqual([[true, '']]);
    expect(calls.get('tax')).toBe(2);
    expect(lines.join('\n')).toMatch(/StoreItems to tax failed \(UNAVAILABLE.*sending it once more/);
    expect((await state.portfolios.item('bank-a', 'slow-node', d))?.status).toBe('active');
  });

  it('sends a call a node refused whole with LOG_NOT_VERIFIED (its log not verified yet) once more, and refuses on a second refusal', async () => {
    const calls = new Map<string, number>();
    let refuseTimes = 1;
    const nodes: NodeLink = {
      address: async (site) => `127.0.0.1:${SITES.indexOf(site) + 1}`,
      client: (site) => {
        calls.set(site, (calls.get(site) ?? 0) + 1);
        const inner = standInNode(site);
        if (site !== 'power' || calls.get(site)! > refuseTimes) return inner;
        // The power node refuses the whole call, as one whose witness has not pinned the log's key yet does.
        return {
          ...inner,
          StoreItems: () => {
            const call = new EventEmitter() as EventEmitter & { write(b: ItemsBatch): void; end(): void; cancel(): void };
            call.write = (b) => setImmediate(() => call.emit('data', {
              seq: b.seq, logSize: '0', items: [], failure: { code: 'LOG_NOT_VERIFIED', message: 'node power has not pinned the coordinator\'s log key yet' },
            }));
            call.end = () => undefined;
            call.cancel = () => undefined;
            return call;
          },
        } as unknown as NodeMonitoringClient;
      },
    };
    const models = new Map([['m1', model('m1', 'credit-scoring')]]);
    const lines: string[] = [];
    const svc = new PortfolioService({ state, ledger, log, models: { get: async (v) => models.get(v) }, nodes, logLine: (l) => lines.push(l) });
    await svc.create('bank-a', { portfolio: 'unpinned', modelVersion: 'm1', schedule: '', ...sealing() });
    const [, , , d] = SUBJECTS as [string, string, string, string];
    const results = await svc.update('bank-a', 'unpinned', [add(consent(d), 'unpinned')], []);
    expect(results.map((r) => [r.ok, r.code])).toEqual([[true, '']]);
    expect(calls.get('power')).toBe(2);
    expect(lines.join('\n')).toMatch(/StoreItems to power refused \(LOG_NOT_VERIFIED.*sending it once more/);
    // A node that refuses again is believed: the item is refused with its code.
    refuseTimes = 100;
    calls.clear();
    await svc.create('bank-a', { portfolio: 'forked', modelVersion: 'm1', schedule: '', ...sealing() });
    const again = await svc.update('bank-a', 'forked', [add(consent(d), 'forked')], []);
    expect(again.map((r) => [r.ok, r.code])).toEqual([[false, 'LOG_NOT_VERIFIED']]);
    expect(calls.get('power')).toBe(2);
  });
});
