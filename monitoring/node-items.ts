/**
 * A data node's store of monitored items (docs/design/monitoring.md section 1, "Storage"): the
 * coordinator carries each item a bank added to one of its portfolios (NodeMonitoring.StoreItems)
 * with the log entries that add it, and the node stores it only after checking it itself:
 *
 *  - the consent: well-formed, its signature, and its signer key bound to the subject by a
 *    registrar this node trusts (its ledger's bindings, read from the log), purpose
 *    `loan-monitoring`, requester the portfolio's bank;
 *  - the bank's instruction (monitoring/instruction.ts verifyInstruction): op add, this
 *    portfolio, this consent, signed by the consent's requester key;
 *  - the log: a `portfolio-change` add at `add_index` naming this requester, portfolio,
 *    subject, consent id and hash, with exactly this instruction and signature.
 *
 * So the coordinator cannot put an enterprise into a bank's portfolio at this node, nor store
 * an item the log does not show. Stored under `i/<requester>/<portfolio>/<subject>` in the
 * node store's `monitoring` sublevel. A later remove is not applied here: a run checks the
 * log's removes against its own entry (monitoring/node-rescore.ts), so the removal takes effect
 * for runs logged after it, whatever the coordinator sends.
 */
import { consentSignatureValid, keyBindingProblem, parseConsent, type Consent } from '../consent/verify.js';
import { consentHash } from '../consent/terms.js';
import { MONITORING_PURPOSE } from '../consent/monitoring-check.js';
import type { ConsentLedger } from '../consent/ledger.js';
import { FedcreditError } from '../lib/errors.js';
import { safeError } from '../lib/grpc.js';
import type { LogFollower } from '../log/follower.js';
import type { NodeStore } from '../site/store.js';
import type { ItemsAck } from '../proto/gen/fedcredit/v1/ItemsAck.js';
import type { ItemsBatch__Output } from '../proto/gen/fedcredit/v1/ItemsBatch.js';
import type { MonitoringItem__Output } from '../proto/gen/fedcredit/v1/MonitoringItem.js';
import { verifyInstruction } from './instruction.js';

/** Items per StoreItems batch at most (UpdatePortfolio takes 1,000 adds a call). */
export const MAX_ITEMS_PER_BATCH = 1000;

/** An item as the node stores it. */
export interface NodeItem {
  readonly subject: string;
  /** The consent's canonical text, verbatim. */
  readonly consent: string;
  readonly consentId: string;
  readonly consentHash: string;
  /** Hex of the instruction's text and of the bank's signature over it. */
  readonly instruction: string;
  readonly signature: string;
  readonly addIndex: number;
}

export const itemKey = (requester: string, portfolio: string, subject: string): string => `i/${requester}/${portfolio}/${subject}`;

export interface NodeItemsOptions {
  readonly store: NodeStore;
  readonly site: string;
  readonly ledger: ConsentLedger;
  readonly follower: LogFollower | undefined;
  readonly trustedRegistrars: readonly string[];
  readonly log: (line: string) => void;
}

export class NodeItems {
  readonly #opts: NodeItemsOptions;

  constructor(opts: NodeItemsOptions) {
    this.#opts = opts;
  }

  /** The stored item, or undefined. */
  async get(requester: string, portfolio: string, subject: string): Promise<NodeItem | undefined> {
    const raw = await this.#opts.store.monitoring.get(itemKey(requester, portfolio, subject));
    return raw === undefined ? undefined : JSON.parse(raw) as NodeItem;
  }

  /** Many items in one multi-get, in the order asked. */
  async getMany(keys: readonly string[]): Promise<(NodeItem | undefined)[]> {
    if (keys.length === 0) return [];
    const raw = await this.#opts.store.monitoring.getMany([...keys]);
    return raw.map((r) => (r === undefined ? undefined : JSON.parse(r) as NodeItem));
  }

  /** One StoreItems batch: carried entries first, then each item on its own; the accepted ones in one synced write. */
  async storeBatch(batch: ItemsBatch__Output): Promise<ItemsAck> {
    const { follower, site, store, log } = this.#opts;
    if (!follower) throw new FedcreditError('UNAVAILABLE', `node ${site} runs without a coordinator, so it has no log to check items against`);
    if (batch.items.length > MAX_ITEMS_PER_BATCH) throw new FedcreditError('BAD_REQUEST', `a batch of ${batch.items.length} items; at most ${MAX_ITEMS_PER_BATCH}`);
    const from = Number(batch.entriesFrom);
    if (!Number.isSafeInteger(from) || from < 0) throw new FedcreditError('BAD_REQUEST', 'entries_from is not a valid index');
    await follower.offer(from, batch.entries, batch.checkpoint);
    const accepted: NodeItem[] = [];
    const acks = await Promise.all(batch.items.map(async (item) => {
      try {
        accepted.push(await this.#verify(batch.requester, batch.portfolio, item));
        return { subject: item.subject, ok: true, code: '', message: '' };
      } catch (err) {
        const { code, message } = safeError(err, log);
        return { subject: item.subject, ok: false, code, message };
      }
    }));
    if (accepted.length > 0) {
      await store.writeGroup(accepted.map((i) => ({ type: 'put' as const, sublevel: store.monitoring, key: itemKey(batch.requester, batch.portfolio, i.subject), value: JSON.stringify(i) })));
    }
    return { seq: batch.seq, items: acks, logSize: String(follower.size) };
  }

  async #verify(requester: string, portfolio: string, item: MonitoringItem__Output): Promise<NodeItem> {
    const { follower, ledger, trustedRegistrars, site } = this.#opts;
    // The log up to the add first: the key bindings and revocations logged before it reach the ledger.
    const addIndex = Number(item.addIndex);
    if (!follower || !Number.isSafeInteger(addIndex) || addIndex < 0) throw new FedcreditError('BAD_REQUEST', 'add_index is not a valid index');
    const logged = await follower.monitoringEntry(addIndex);
    const parsed = parseConsent(item.consent);
    if (!parsed.ok) throw new FedcreditError('CONSENT_MALFORMED', `the item's consent is malformed: ${parsed.message}`);
    const c: Consent = parsed.value;
    if (c.subject !== item.subject) throw new FedcreditError('BAD_REQUEST', `the item is about ${item.subject.slice(0, 32)}, its consent about ${c.subject}`);
    if (!consentSignatureValid(c)) throw new FedcreditError('CONSENT_BAD_SIGNATURE', `consent ${c.consentId}: the signature does not verify under its signer key`);
    const bindings = (await ledger.bindingsFor(c.subject)).filter((b) => b.subject === c.subject && keyBindingProblem(b, trustedRegistrars) === undefined);
    if (bindings.length === 0) throw new FedcreditError('UNKNOWN_ENTERPRISE', `enterprise ${c.subject} has no key a registrar trusted by ${site} bound`);
    if (!bindings.some((b) => b.enterpriseKey === c.signerKey)) throw new FedcreditError('CONSENT_KEY_NOT_BOUND', `consent ${c.consentId} is signed by a key not bound to ${c.subject}`);
    if (c.requester.name !== requester) throw new FedcreditError('CONSENT_WRONG_REQUESTER', `consent ${c.consentId} was granted to another requester than ${requester.slice(0, 64)}`);
    if (c.purpose !== MONITORING_PURPOSE) throw new FedcreditError('CONSENT_PURPOSE_NOT_COVERED', `consent ${c.consentId} covers '${c.purpose}', not '${MONITORING_PURPOSE}'`);
    const instruction = new Uint8Array(item.instruction);
    const signature = new Uint8Array(item.signature);
    verifyInstruction({ text: instruction, signature }, { op: 'add', requester, portfolio, consent: c, now: Date.now() });
    const hash = consentHash(c);
    const b = logged?.entry.body;
    const want: Record<string, string> = {
      op: 'add', requester, portfolio, subject: c.subject, consentId: c.consentId, consentHash: hash,
      instruction: Buffer.from(instruction).toString('hex'), signature: Buffer.from(signature).toString('hex'),
    };
    const wrong = logged?.entry.kind !== 'portfolio-change' ? 'kind' : Object.keys(want).find((k) => b?.[k] !== want[k]);
    if (wrong !== undefined) {
      throw new FedcreditError('QUERY_NOT_LOGGED', `log entry ${addIndex} is not the portfolio-change adding ${c.subject} to ${requester}/${portfolio} under this consent and instruction (${wrong} differs); a node stores only items the log shows added`);
    }
    return { subject: c.subject, consent: item.consent, consentId: c.consentId, consentHash: hash, instruction: want['instruction']!, signature: want['signature']!, addIndex };
  }
}
