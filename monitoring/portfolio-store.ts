/**
 * The coordinator's portfolios (issue 21, docs/design/monitoring.md section 1): a bank's named
 * sets of enterprises it monitors, each item under the enterprise's consent and the bank's
 * signed instruction. Storage and its rules only; the checks of an add (the instruction's
 * signature, the consent in the coordinator's ledger) are the service's, before it calls here.
 *
 * Keys, in the coordinator store's `monitoring` sublevel (beside monitoring/events.ts):
 *     p/<requester>/<portfolio>               -> Portfolio
 *     i/<requester>/<portfolio>/<subject>     -> PortfolioItem
 * `requester` and `portfolio` are URI-encoded; subjects (credit codes, or ids as ingested) sort
 * as the nodes' feature keys do, so a run takes items in the order nodes read features.
 *
 * A removed item keeps its key with status `removed`, its last instruction time and no score
 * (the design's section 8: the coordinator forgets a removed firm's score), so an old add
 * instruction cannot be replayed after the remove (monitoring/instruction.ts `after`).
 */
import type { Level } from 'level';
import { FedcreditError } from '../lib/errors.js';
import type { ItemLast, ItemStatus } from './changes.js';

export const PORTFOLIO_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
export const MAX_PAGE_SIZE = 1000;

export interface Portfolio {
  readonly requester: string;
  readonly portfolio: string;
  readonly modelVersion: string;
  /** The bank's X25519 key the explanations are sealed to (hex), and its signature by the query-signing key (hex). */
  readonly sealingKey: string;
  readonly sealingKeySignature: string;
  /** A schedule of its own (monitoring/schedule.ts), or the coordinator's. */
  readonly schedule?: string;
  readonly createdMs: number;
  readonly createIndex: number;
}

export interface PortfolioItem {
  readonly subject: string;
  /** The consent as the bank sent it (verbatim canonical text). */
  readonly consent: string;
  readonly consentId: string;
  readonly consentValidUntilMs: number;
  /** The last add or remove instruction: its canonical text (hex of it in the log), signature (hex) and time. */
  readonly instruction: string;
  readonly signature: string;
  readonly instructionTime: number;
  readonly addedMs: number;
  /** Log index of the `portfolio-change` entry that added it. */
  readonly addIndex: number;
  readonly status: ItemStatus;
  readonly last?: ItemLast;
  /**
   * A node refused to store the item when it was added, or could not be reached (its code): no
   * node of the model may be asked to re-score it (the one without it refuses the whole batch),
   * so runs leave it out until the bank removes it and adds it again.
   */
  readonly notAtNodes?: string;
}

type Root = Level<string, unknown>;
type Json = Record<string, unknown>;
function sublevelOf(root: Root) {
  return root.sublevel<string, Json | string>('monitoring', { valueEncoding: 'json' });
}
export type PortfolioOp = { readonly type: 'put'; readonly sublevel: ReturnType<typeof sublevelOf>; readonly key: string; readonly value: Json };

const enc = encodeURIComponent;
const portfolioKey = (requester: string, portfolio: string) => `p/${enc(requester)}/${enc(portfolio)}`;
const itemPrefix = (requester: string, portfolio: string) => `i/${enc(requester)}/${enc(portfolio)}/`;

export function checkPortfolioName(name: string): void {
  if (!PORTFOLIO_NAME.test(name)) {
    throw new FedcreditError('BAD_REQUEST', `portfolio name '${name.slice(0, 40)}' is not 1-32 lowercase letters, digits and '-', starting with a letter or digit (e.g. sme-loans)`);
  }
}

export class PortfolioStore {
  readonly #root: Root;
  readonly #db: ReturnType<typeof sublevelOf>;

  constructor(root: Root) {
    this.#root = root;
    this.#db = sublevelOf(root);
  }

  async get(requester: string, portfolio: string): Promise<Portfolio | undefined> {
    return (await this.#db.get(portfolioKey(requester, portfolio))) as unknown as Portfolio | undefined;
  }

  /** The portfolio, or PORTFOLIO_NOT_FOUND naming it. */
  async require(requester: string, portfolio: string): Promise<Portfolio> {
    const p = await this.get(requester, portfolio);
    if (!p) throw new FedcreditError('PORTFOLIO_NOT_FOUND', `${requester} has no portfolio '${portfolio}': create it first (fedcredit monitor portfolio create)`);
    return p;
  }

  /** Creates a portfolio; refuses a second of the same name. Synced. */
  async create(p: Portfolio): Promise<void> {
    checkPortfolioName(p.portfolio);
    if (await this.get(p.requester, p.portfolio)) {
      throw new FedcreditError('PORTFOLIO_ITEM_EXISTS', `${p.requester} already has a portfolio '${p.portfolio}'; pick another name or add to it`);
    }
    await this.#root.batch([{ type: 'put', sublevel: this.#db, key: portfolioKey(p.requester, p.portfolio), value: { ...p } }], { sync: true });
  }

  /** The requester's portfolios (all of them when `requester` is undefined: the operator's view). */
  async list(requester?: string): Promise<Portfolio[]> {
    const from = requester === undefined ? 'p/' : `p/${enc(requester)}/`;
    const out: Portfolio[] = [];
    for await (const v of this.#db.values({ gte: from, lt: from + '\xff' })) out.push(v as unknown as Portfolio);
    return out;
  }

  async item(requester: string, portfolio: string, subject: string): Promise<PortfolioItem | undefined> {
    return (await this.#db.get(itemPrefix(requester, portfolio) + subject)) as unknown as PortfolioItem | undefined;
  }

  /** Several items in one read (a run batch's finish reads 4,096; point reads cost ~10x more). */
  async items(requester: string, portfolio: string, subjects: readonly string[]): Promise<(PortfolioItem | undefined)[]> {
    if (subjects.length === 0) return [];
    const prefix = itemPrefix(requester, portfolio);
    return (await this.#db.getMany(subjects.map((s) => prefix + s))) as unknown as (PortfolioItem | undefined)[];
  }

  /** The operation that writes an item, for the caller's batch (with its log entry and events). */
  itemOp(requester: string, portfolio: string, item: PortfolioItem): PortfolioOp {
    return { type: 'put', sublevel: this.#db, key: itemPrefix(requester, portfolio) + item.subject, value: { ...item } as unknown as Json };
  }

  /** Writes items in one synced batch. */
  async putItems(requester: string, portfolio: string, items: readonly PortfolioItem[]): Promise<void> {
    if (items.length === 0) return;
    await this.#root.batch(items.map((i) => this.itemOp(requester, portfolio, i)), { sync: true });
  }

  /**
   * Items in subject order, a page at a time: `after` is the last subject of the previous page
   * (the page token). `filter` keeps only some (e.g. a warning level, a status).
   */
  async page(requester: string, portfolio: string, o: { after?: string; size?: number; filter?: (i: PortfolioItem) => boolean } = {}): Promise<{ items: PortfolioItem[]; next?: string }> {
    const size = o.size ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw new FedcreditError('BAD_REQUEST', `page size must be 1 to ${MAX_PAGE_SIZE}, got ${size}`);
    const from = itemPrefix(requester, portfolio);
    const items: PortfolioItem[] = [];
    let next: string | undefined;
    for await (const v of this.#db.values({ ...(o.after !== undefined ? { gt: from + o.after } : { gte: from }), lt: from + '\xff' })) {
      const item = v as unknown as PortfolioItem;
      if (o.filter && !o.filter(item)) continue;
      if (items.length === size) {
        next = items[items.length - 1]!.subject;
        break;
      }
      items.push(item);
    }
    return { items, ...(next !== undefined ? { next } : {}) };
  }

  /** Every item not removed, in subject order (a run's items, cut into batches by the driver). */
  async *active(requester: string, portfolio: string): AsyncGenerator<PortfolioItem> {
    const from = itemPrefix(requester, portfolio);
    for await (const v of this.#db.values({ gte: from, lt: from + '\xff' })) {
      const item = v as unknown as PortfolioItem;
      if (item.status !== 'removed' && item.notAtNodes === undefined) yield item;
    }
  }

  /** Counts by status, for ListPortfolios. */
  async counts(requester: string, portfolio: string): Promise<{ items: number; active: number; skipped: number; removed: number }> {
    const c = { items: 0, active: 0, skipped: 0, removed: 0 };
    const from = itemPrefix(requester, portfolio);
    for await (const v of this.#db.values({ gte: from, lt: from + '\xff' })) {
      const s = (v as unknown as PortfolioItem).status;
      if (s === 'removed') c.removed++;
      else {
        c.items++;
        if (s === 'active') c.active++;
        else c.skipped++;
      }
    }
    return c;
  }
}

/** The item after a verified remove instruction: status removed, its score forgotten. */
export function removedItem(item: PortfolioItem, instruction: { text: string; signature: string; time: number }): PortfolioItem {
  const { last: _forgotten, ...rest } = item;
  void _forgotten;
  return { ...rest, instruction: instruction.text, signature: instruction.signature, instructionTime: instruction.time, status: 'removed' };
}
