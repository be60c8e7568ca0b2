/**
 * The Monitoring service's portfolio calls at the coordinator (docs/design/monitoring.md
 * section 1): CreatePortfolio, UpdatePortfolio, ListPortfolios, ListPortfolio.
 *
 * Why each add is checked as it is: the coordinator holds the consents it relays, so it must
 * not be able to put an enterprise into a bank's portfolio by itself. An add needs the bank's
 * instruction signed by the consent's requester key (instruction.ts), the caller must be that
 * bank (its TLS name), and the consent must pass the coordinator's own ledger now (signature,
 * key binding, revocation, validity, purpose `loan-monitoring`, every site of the model in
 * scope) WITHOUT using a use: uses are counted per as-of month by the runs. The accepted adds
 * and removes of a call are logged as `portfolio-change` entries in ONE log batch (one fsync),
 * then stored, then carried to every node of the model (NodeMonitoring.StoreItems, with the log
 * entries that add them and a checkpoint, as a ShareBatch) before the call returns, so a run
 * never names an item a node has not been given.
 *
 * Results are per item, in the request's order (adds, then removes), each with a stable code.
 */
import { FedcreditError } from '../lib/errors.js';
import { unary } from '../lib/grpc.js';
import { callerIdentity } from '../lib/tls.js';
import { makeEntry, type LogEntry } from '../log/entries.js';
import type { CoordinatorLog } from '../log/service.js';
import type { ConsentLedger } from '../consent/ledger.js';
import { parseConsent, type Consent } from '../consent/record.js';
import { consentHash } from '../consent/terms.js';
import { modelServesPurpose } from '../consent/verify.js';
import { MONITORING_OPERATION, MONITORING_PURPOSE } from '../consent/monitoring-check.js';
import { sealingKeyValid } from '../scoring/protocol.js';
import { FEATURE_WINDOW_MONTHS } from '../schema/site-schema.js';
import type { ModelMetadata } from '../training/model-registry.js';
import type { MonitoringHandlers } from '../proto/gen/fedcredit/v1/Monitoring.js';
import type { PortfolioItemResult } from '../proto/gen/fedcredit/v1/PortfolioItemResult.js';
import type { ItemsAck__Output } from '../proto/gen/fedcredit/v1/ItemsAck.js';
import { verifyInstruction } from './instruction.js';
import { checkPortfolioName, MAX_PAGE_SIZE, removedItem, type Portfolio, type PortfolioItem } from './portfolio-store.js';
import { parseSchedule } from './schedule.js';
import { skippedStatus } from './changes.js';
import type { CoordinatorMonitoring } from './coordinator-state.js';
import { carry, exchangeOnce, NodePositions, type NodeLink } from './node-link.js';

/** Adds, and removes, per UpdatePortfolio call at most. */
export const MAX_CHANGES_PER_CALL = 1000;
/**
 * StoreItems' deadline for a call of `items` items: a node verifies two Ed25519 signatures, the
 * logged add and the key bindings per item, and a loaded machine (bench/monitoring.ts beside other
 * work: 1,000 items behind another call) took longer than a flat 30 s, refusing items the node
 * then stored anyway. One retry follows a call that timed out or found the node unreachable.
 */
/** The pause before a StoreItems call a node refused with LOG_NOT_VERIFIED is sent once more. */
export const STORE_RETRY_PAUSE_MS = 1_000;

export function storeItemsDeadlineMs(items: number, base = 30_000): number {
  return base + 50 * items;
}

export interface PortfolioServiceDeps {
  readonly state: CoordinatorMonitoring;
  readonly ledger: ConsentLedger;
  readonly log: CoordinatorLog;
  readonly models: { get(version: string): Promise<ModelMetadata | undefined> };
  readonly nodes: NodeLink;
  /** Where each node's unread log entries start (shared with the run driver). */
  readonly positions?: NodePositions;
  readonly logLine: (line: string) => void;
  readonly now?: () => number;
  /** StoreItems' base deadline (tests shorten it); see storeItemsDeadlineMs. */
  readonly storeItemsBaseDeadlineMs?: number;
}

export function modelSites(model: ModelMetadata): string[] {
  return [...new Set(model.sites.map((s) => s.site))].sort();
}

/** The model's longest feature window: a consent's data window must hold at least that many months. */
export function minDataMonths(sites: readonly string[]): number {
  return Math.max(0, ...sites.map((s) => (FEATURE_WINDOW_MONTHS as Readonly<Record<string, number>>)[s] ?? 0));
}

/** A model a portfolio may use: known, for loan-monitoring (or the general purpose), at least two sites. */
export async function monitoringModel(models: PortfolioServiceDeps['models'], version: string): Promise<ModelMetadata> {
  const model = await models.get(version);
  if (!model) throw new FedcreditError('MODEL_NOT_FOUND', `no model ${version.slice(0, 32)}; list the models with fedcredit model list`);
  if (!modelServesPurpose(model.purpose, MONITORING_PURPOSE)) {
    throw new FedcreditError('MODEL_PURPOSE_MISMATCH', `model ${model.modelVersion} was trained for '${model.purpose}', which does not cover '${MONITORING_PURPOSE}'; use a model trained for it (or for credit-scoring)`);
  }
  if (modelSites(model).length < 2) throw new FedcreditError('TOO_FEW_SITES', `model ${model.modelVersion} has fewer than two sites: a masked re-score would reveal a single site's term`);
  return model;
}

function requesterOf(call: Parameters<typeof callerIdentity>[0]): string {
  const id = callerIdentity(call);
  if (!id) throw new FedcreditError('ROLE_NOT_ALLOWED', 'monitoring calls need the caller\'s certificate (mutual TLS)');
  return id.name;
}

const fail = (subject: string, err: unknown): PortfolioItemResult => {
  const e = err instanceof FedcreditError ? err : new FedcreditError('INTERNAL', String(err));
  return { subject, ok: false, code: e.code, message: e.message, logIndex: 0 };
};

interface AcceptedAdd { readonly index: number; readonly consent: Consent; readonly text: string; readonly instruction: string; readonly signature: Uint8Array; readonly time: number; readonly prior?: PortfolioItem }
interface AcceptedRemove { readonly index: number; readonly item: PortfolioItem; readonly consent: Consent; readonly instruction: string; readonly signature: Uint8Array; readonly time: number }

export class PortfolioService {
  readonly #d: PortfolioServiceDeps;
  readonly #positions: NodePositions;

  constructor(deps: PortfolioServiceDeps) {
    this.#d = deps;
    this.#positions = deps.positions ?? new NodePositions();
  }

  #now(): number {
    return (this.#d.now ?? Date.now)();
  }

  handlers(): Pick<MonitoringHandlers, 'CreatePortfolio' | 'UpdatePortfolio' | 'ListPortfolios' | 'ListPortfolio'> {
    const l = this.#d.logLine;
    return {
      CreatePortfolio: unary(async (req, call) => this.create(requesterOf(call), {
        portfolio: req.portfolio, modelVersion: req.modelVersion, sealingKey: new Uint8Array(req.sealingKey), sealingKeySignature: new Uint8Array(req.sealingKeySignature), schedule: req.schedule,
      }), l),
      UpdatePortfolio: unary(async (req, call) => ({
        results: await this.update(requesterOf(call), req.portfolio,
          req.adds.map((a) => ({ consent: a.consent, instruction: new Uint8Array(a.instruction), signature: new Uint8Array(a.signature) })),
          req.removes.map((r) => ({ subject: r.subject, instruction: new Uint8Array(r.instruction), signature: new Uint8Array(r.signature) }))),
      }), l),
      ListPortfolios: unary(async (_req, call) => {
        const id = callerIdentity(call);
        return { portfolios: await this.summaries(id?.role === 'operator' ? undefined : requesterOf(call)) };
      }, l),
      ListPortfolio: unary(async (req, call) => this.listItems(requesterOf(call), req.portfolio, { pageToken: req.pageToken, pageSize: req.pageSize, warning: req.warning, status: req.status }), l),
    };
  }

  async create(requester: string, r: { portfolio: string; modelVersion: string; sealingKey: Uint8Array; sealingKeySignature: Uint8Array; schedule: string }): Promise<{ portfolio: string; logIndex: number }> {
    checkPortfolioName(r.portfolio);
    const model = await monitoringModel(this.#d.models, r.modelVersion);
    if (r.sealingKey.length !== 32 || r.sealingKeySignature.length !== 64) {
      throw new FedcreditError('BAD_REQUEST', 'sealing_key must be 32 bytes (X25519) and sealing_key_signature 64 (Ed25519 by the bank\'s query-signing key)');
    }
    if (r.schedule) {
      try {
        parseSchedule(r.schedule);
      } catch (err) {
        throw new FedcreditError('BAD_REQUEST', `schedule: ${(err as Error).message}`);
      }
    }
    if (await this.#d.state.portfolios.get(requester, r.portfolio)) {
      throw new FedcreditError('PORTFOLIO_ITEM_EXISTS', `${requester} already has a portfolio '${r.portfolio}'; pick another name or add to it`);
    }
    const time = this.#now();
    const { index } = await this.#d.log.append(makeEntry('portfolio-change', { op: 'create', requester, portfolio: r.portfolio, model: model.modelVersion, time }));
    const p: Portfolio = {
      requester, portfolio: r.portfolio, modelVersion: model.modelVersion,
      sealingKey: Buffer.from(r.sealingKey).toString('hex'), sealingKeySignature: Buffer.from(r.sealingKeySignature).toString('hex'),
      ...(r.schedule ? { schedule: r.schedule } : {}), createdMs: time, createIndex: index,
    };
    await this.#d.state.portfolios.create(p);
    return { portfolio: r.portfolio, logIndex: index };
  }

  async update(
    requester: string, name: string,
    adds: readonly { consent: string; instruction: Uint8Array; signature: Uint8Array }[],
    removes: readonly { subject: string; instruction: Uint8Array; signature: Uint8Array }[],
  ): Promise<PortfolioItemResult[]> {
    if (adds.length > MAX_CHANGES_PER_CALL || removes.length > MAX_CHANGES_PER_CALL) {
      throw new FedcreditError('BAD_REQUEST', `at most ${MAX_CHANGES_PER_CALL} adds and ${MAX_CHANGES_PER_CALL} removes per call (got ${adds.length} and ${removes.length}); send the rest in further calls`);
    }
    const { state, ledger } = this.#d;
    const p = await state.portfolios.require(requester, name);
    const model = await monitoringModel(this.#d.models, p.modelVersion);
    const sites = modelSites(model);
    const now = this.#now();
    const results: PortfolioItemResult[] = [];
    const accepted: AcceptedAdd[] = [];
    const seen = new Set<string>();

    for (const [i, a] of adds.entries()) {
      const parsed = parseConsent(a.consent);
      if (!parsed.ok) {
        results.push({ subject: '', ok: false, code: 'CONSENT_MALFORMED', message: `malformed consent: ${parsed.message}`, logIndex: 0 });
        continue;
      }
      const c = parsed.value;
      try {
        const prior = await state.portfolios.item(requester, name, c.subject);
        if (seen.has(c.subject) || (prior && prior.status !== 'removed')) {
          throw new FedcreditError('PORTFOLIO_ITEM_EXISTS', `${c.subject} is already in portfolio ${name}; remove it first to add it under another consent`);
        }
        verifyInstruction({ text: a.instruction, signature: a.signature }, {
          op: 'add', requester, portfolio: name, consent: c, now, ...(prior ? { after: prior.instructionTime } : {}),
        });
        if (!sealingKeyValid(requester, c.requester.key, Buffer.from(p.sealingKey, 'hex'), Buffer.from(p.sealingKeySignature, 'hex'))) {
          throw new FedcreditError('INSTRUCTION_INVALID', `portfolio ${name}'s sealing key is not signed by the consent's requester key ${c.requester.key.slice(0, 16)}...; create the portfolio with the key your consents name`);
        }
        // The consent's checks now, without a use: each run uses one per as-of month.
        const verdict = await ledger.checkTerms(a.consent, {
          requester: { name: requester, key: c.requester.key },
          request: { subject: c.subject, purpose: MONITORING_PURPOSE, operation: MONITORING_OPERATION, sites, minDataMonths: minDataMonths(sites) },
          now,
        });
        if (!verdict.ok) throw new FedcreditError(verdict.code, verdict.message);
        seen.add(c.subject);
        const text = new TextDecoder().decode(a.instruction);
        accepted.push({ index: i, consent: c, text: a.consent, instruction: text, signature: a.signature, time: JSON.parse(text).time as number, ...(prior ? { prior } : {}) });
        results.push({ subject: c.subject, ok: true, code: '', message: '', logIndex: 0 });
      } catch (err) {
        results.push(fail(c.subject, err));
      }
    }

    const removed: AcceptedRemove[] = [];
    for (const [i, r] of removes.entries()) {
      try {
        const item = await state.portfolios.item(requester, name, r.subject);
        if (!item || item.status === 'removed' || seen.has(r.subject)) throw new FedcreditError('NOT_FOUND', `${r.subject.slice(0, 40)} is not in portfolio ${name}`);
        const consent = parseConsent(item.consent);
        if (!consent.ok) throw new FedcreditError('INTERNAL', `stored consent of ${r.subject} does not parse: ${consent.message}`);
        verifyInstruction({ text: r.instruction, signature: r.signature }, { op: 'remove', requester, portfolio: name, consent: consent.value, now, after: item.instructionTime });
        seen.add(r.subject);
        const text = new TextDecoder().decode(r.instruction);
        removed.push({ index: adds.length + i, item, consent: consent.value, instruction: text, signature: r.signature, time: JSON.parse(text).time as number });
        results.push({ subject: r.subject, ok: true, code: '', message: '', logIndex: 0 });
      } catch (err) {
        results.push(fail(r.subject, err));
      }
    }
    if (accepted.length + removed.length === 0) return results;

    // One log batch (one fsync) for every accepted change of the call.
    const hex = (b: Uint8Array | string) => Buffer.from(b).toString('hex');
    const entries: LogEntry[] = [
      ...accepted.map((a) => makeEntry('portfolio-change', {
        op: 'add', requester, portfolio: name, subject: a.consent.subject, consentId: a.consent.consentId, consentHash: consentHash(a.consent),
        consentValidUntil: a.consent.validUntil, consentMaxUses: a.consent.maxUses, instruction: hex(a.instruction), requesterKey: a.consent.requester.key,
        signature: hex(a.signature), time: now,
      })),
      ...removed.map((r) => makeEntry('portfolio-change', {
        op: 'remove', requester, portfolio: name, subject: r.item.subject, consentId: r.item.consentId, consentHash: consentHash(r.consent),
        instruction: hex(r.instruction), requesterKey: r.consent.requester.key, signature: hex(r.signature), time: now,
      })),
    ];
    const { first } = await this.#d.log.appendBatch(entries);
    const items: PortfolioItem[] = [
      ...accepted.map((a, k): PortfolioItem => ({
        subject: a.consent.subject, consent: a.text, consentId: a.consent.consentId, consentValidUntilMs: a.consent.validUntil,
        instruction: a.instruction, signature: hex(a.signature), instructionTime: a.time, addedMs: now, addIndex: first + k, status: 'active',
      })),
      ...removed.map((r) => removedItem(r.item, { text: r.instruction, signature: hex(r.signature), time: r.time })),
    ];
    await state.portfolios.putItems(requester, name, items);
    accepted.forEach((a, k) => { results[a.index] = { ...results[a.index]!, logIndex: first + k }; });
    removed.forEach((r, k) => { results[r.index] = { ...results[r.index]!, logIndex: first + accepted.length + k }; });

    if (accepted.length > 0) {
      const refusals = await this.#storeAtNodes(requester, name, sites, items.slice(0, accepted.length), first + entries.length);
      const refused: PortfolioItem[] = [];
      accepted.forEach((a, k) => {
        const why = refusals.get(a.consent.subject);
        if (!why) return;
        results[a.index] = { ...results[a.index]!, ok: false, code: why.code, message: why.message };
        // Logged and kept (only the bank's signed remove takes it out), with the node's reason: a run skips it.
        const code = /^[A-Z][A-Z0-9_]*$/.test(why.code) ? why.code : 'INTERNAL';
        refused.push({ ...items[k]!, status: skippedStatus(code), notAtNodes: code });
      });
      await state.portfolios.putItems(requester, name, refused);
    }
    return results;
  }

  /**
   * Carries the added items, with the entries that add them, to every node of the model. A
   * node's refusal of an item is that item's result (the run will then be refused there too);
   * a node that cannot be reached fails every item of the call with its code.
   */
  async #storeAtNodes(requester: string, portfolio: string, sites: readonly string[], items: readonly PortfolioItem[], upTo: number): Promise<Map<string, { code: string; message: string }>> {
    const refusals = new Map<string, { code: string; message: string }>();
    await Promise.all(sites.map(async (site) => {
      const refuseAll = (code: string, message: string) => { for (const i of items) if (!refusals.has(i.subject)) refusals.set(i.subject, { code, message: `site ${site}: ${message}` }); };
      const address = await this.#d.nodes.address(site);
      if (!address) return refuseAll('SHARE_MISSING', 'not registered or not reachable; add the items again once it is up');
      const deadline = storeItemsDeadlineMs(items.length, this.#d.storeItemsBaseDeadlineMs);
      const send = async (): Promise<ItemsAck__Output> => {
        const client = this.#d.nodes.client(site, address);
        const carried = await carry(this.#d.log, this.#positions.from(site, upTo), upTo);
        return exchangeOnce(client.StoreItems(), {
          seq: '0', requester, portfolio,
          items: items.map((i) => ({ subject: i.subject, consent: i.consent, instruction: Buffer.from(i.instruction), signature: Buffer.from(i.signature, 'hex'), addIndex: String(i.addIndex) })),
          ...carried,
        }, `site ${site}`, deadline);
      };
      try {
        let ack: ItemsAck__Output;
        try {
          ack = await send();
        } catch (err) {
          // Storing is idempotent at the node (same key, same value): a call that timed out or did
          // not reach it is sent once more, with the log carried from scratch.
          if (!(err instanceof FedcreditError) || err.code !== 'UNAVAILABLE') throw err;
          this.#positions.forget(site);
          this.#d.logLine(`monitoring: StoreItems to ${site} failed (${err.code}: ${err.message}); sending it once more`);
          ack = await send();
        }
        if (ack.failure && ack.failure.code === 'LOG_NOT_VERIFIED') {
          // A node that has not verified the log yet (its witness has not pinned the log's key
          // at its first round after a start, or a checkpoint it was sent is not the newest):
          // the whole call was refused and nothing stored. Sent once more after a pause, with
          // the log carried from scratch; a node that truly sees another log refuses again.
          this.#positions.forget(site);
          this.#d.logLine(`monitoring: StoreItems to ${site} refused (${ack.failure.code}: ${ack.failure.message}); sending it once more in ${STORE_RETRY_PAUSE_MS} ms`);
          await new Promise((resolve) => setTimeout(resolve, STORE_RETRY_PAUSE_MS));
          ack = await send();
        }
        this.#positions.saw(site, Number(ack.logSize));
        if (ack.failure) return refuseAll(ack.failure.code || 'INTERNAL', ack.failure.message);
        for (const a of ack.items) if (!a.ok && !refusals.has(a.subject)) refusals.set(a.subject, { code: a.code, message: `site ${site}: ${a.message}` });
      } catch (err) {
        const e = err instanceof FedcreditError ? err : new FedcreditError('UNAVAILABLE', String(err));
        this.#positions.forget(site);
        this.#d.logLine(`monitoring: StoreItems to ${site} failed: ${e.code}: ${e.message}`);
        refuseAll(e.code, e.message);
      }
    }));
    return refusals;
  }

  async summaries(requester: string | undefined) {
    const { state } = this.#d;
    const runs = await state.runs();
    const out = [];
    for (const p of await state.portfolios.list(requester)) {
      const c = await state.portfolios.counts(p.requester, p.portfolio);
      const last = runs.filter((r) => r.requester === p.requester && r.portfolio === p.portfolio && r.stage === 'finished').at(-1);
      out.push({
        requester: p.requester, portfolio: p.portfolio, modelVersion: p.modelVersion, items: c.items, active: c.active, skipped: c.skipped,
        lastRunId: last?.runId ?? '', lastRunFinishedMs: last?.finishedMs ?? 0,
      });
    }
    return out;
  }

  async listItems(requester: string, name: string, q: { pageToken: string; pageSize: number; warning: string; status: string }) {
    const { state, ledger } = this.#d;
    await state.portfolios.require(requester, name);
    const size = q.pageSize === 0 ? MAX_PAGE_SIZE : q.pageSize;
    const filter = (i: PortfolioItem): boolean =>
      (!q.warning || i.last?.warning === q.warning) && (!q.status || (q.status === 'skipped' ? i.status.startsWith('skipped:') : i.status === q.status));
    const page = await state.portfolios.page(requester, name, { ...(q.pageToken ? { after: q.pageToken } : {}), size, filter });
    const items = [];
    for (const i of page.items) {
      const c = parseConsent(i.consent);
      const used = await ledger.usesOf(i.consentId);
      items.push({
        subject: i.subject, consentId: i.consentId, consentValidUntilMs: i.consentValidUntilMs,
        usesLeft: c.ok ? Math.max(0, c.value.maxUses - used) : 0, addedMs: i.addedMs, status: i.status,
        ...(i.last ? { last: { points: i.last.points, grade: i.last.grade, warning: i.last.warning, asOf: i.last.asOf, runId: i.last.runId } } : {}),
      });
    }
    return { items, nextPageToken: page.next ?? '' };
  }
}
