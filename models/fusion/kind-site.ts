/**
 * A fusion job at a data node (training/model-kind.ts KindSite; design section 8): it opens
 * boosted trees' site (models/trees/kind-site.ts) and, once the trees are grown, the scorecard's
 * (models/scorecard/kind-site.ts), both unchanged, and answers each step with the half it belongs
 * to. At the bank, the scorecard's site is opened over the bank's features plus its tree
 * characteristics (leaves.ts): each kept tree's leaves as one-hot columns, from the node every
 * training and validation row ended at. The bank keeps that node per row and tree from the trees
 * site's state just before each FinishTree (the tree's final positions, known to the bank with
 * the shared partition), so nothing is asked of any other party for it. A passive site's
 * scorecard half is its ordinary scorecard site.
 *
 * The stored part (part.ts) is both halves' parts: the trees part (own splits, and at the bank
 * the structure and scoring key of the leaf chain) and the scorecard part (characteristics, WOE,
 * points), plus, at the bank, the chain's value per (tree, leaf) slot: the tree characteristic's
 * logit term of the leaf's bin (section 8, step 4).
 */
import { FedcreditError } from '../../lib/errors.js';
import { field, type FinishedPart, type KindMessage, type KindSite, type KindState, type SiteInput, type SiteIo, type StepRef } from '../../training/model-kind.js';
import { openScorecardSite } from '../scorecard/kind-site.js';
import { scorecardParams } from '../scorecard/params.js';
import type { ScorecardPart } from '../scorecard/part.js';
import { treeSiteParams } from '../trees/kind-params.js';
import { openTreesSite } from '../trees/kind-site.js';
import { treesKind } from '../trees/kind.js';
import type { TreesPart } from '../trees/part.js';
import { fromB64U } from '../trees/wire.js';
import { checkFusionParams } from './params.js';
import { leafFeatures, leafNames, withLeafColumns, type TreeShape } from './leaves.js';
import { fusionBankPart, fusionPassivePart, ordinaryColumns } from './part.js';

interface FusionSiteState {
  trees?: KindState;
  /** Bank: per tree, the node each row (training then validation) ended at, base64 of a Uint8Array. */
  leafOf?: Record<string, string>;
  card?: KindState;
  cardOpen?: boolean;
}

const TREE_STEPS = new Set(Object.keys(treesKind.steps));

export async function openFusionSite(input: SiteInput, saved: KindState | undefined): Promise<KindSite> {
  const treesStart = field.message(input.start, 'trees');
  const cardStart = field.message(input.start, 'scorecard');
  checkFusionParams({ trees: treeSiteParams(treesStart), scorecard: scorecardParams(cardStart) }, 'the coordinator sent parameters this site refuses');
  const state = (saved ?? {}) as FusionSiteState;
  const trees = await openTreesSite({ ...input, start: treesStart }, state.trees);
  state.trees = trees.save();
  const site = new FusionSite(input, state, trees, cardStart);
  if (state.cardOpen) await site.openCard();
  return site;
}

class FusionSite implements KindSite {
  #card: KindSite | undefined;
  #shapes: TreeShape[] = [];

  constructor(
    private readonly input: SiteInput,
    private readonly state: FusionSiteState,
    private readonly trees: KindSite,
    private readonly cardStart: KindMessage,
  ) {}

  get epoch(): number { return this.#card?.epoch ?? 0; }
  get step(): number { return this.#card?.step ?? 0; }
  get stopped(): boolean { return this.#card?.stopped ?? false; }

  save(): KindState {
    if (this.#card) this.state.card = this.#card.save();
    return this.state as unknown as KindState;
  }

  get #bank(): boolean { return this.input.role === 'bank'; }

  /** The bank's kept trees: structure and own splits, from the trees site's part. */
  #treesPart(): TreesPart {
    return this.trees.finish().part as unknown as TreesPart;
  }

  /** The scorecard half, over the bank's features and tree characteristics (bank) or the site's own features. */
  async openCard(): Promise<void> {
    if (this.#card) return;
    if (!this.trees.stopped) throw new FedcreditError('BAD_REQUEST', `${this.input.site}: a scorecard step of fusion job ${this.input.jobId} before its trees are grown; grow the trees first`);
    let input: SiteInput = { ...this.input, start: this.cardStart };
    if (this.#bank) {
      const part = this.#treesPart();
      this.#shapes = (part.structure ?? []).map((t) => ({ tree: t.tree, nodes: t.nodes, leaves: t.leaves })).sort((a, b) => a.tree - b.tree);
      const leafOf = this.#shapes.map((s) => {
        const kept = this.state.leafOf?.[String(s.tree)];
        if (!kept) throw new FedcreditError('INTERNAL', `${this.input.site}: fusion job ${this.input.jobId} kept no row leaves of tree ${s.tree}`);
        return new Uint8Array(Buffer.from(kept, 'base64'));
      });
      const names = this.#shapes.map((s) => leafNames(this.input.site, s, part.trees.find((t) => t.tree === s.tree)?.splits ?? []));
      const nTrain = this.input.raw.train.length;
      input = {
        ...input,
        features: [...this.input.features, ...this.#shapes.flatMap((s, k) => leafFeatures(s.tree, names[k]!))],
        raw: { train: withLeafColumns(this.input.raw.train, 0, this.#shapes, leafOf), validation: withLeafColumns(this.input.raw.validation, nTrain, this.#shapes, leafOf) },
      };
    }
    this.#card = await openScorecardSite(input, this.state.card);
    this.state.card = this.#card.save();
    this.state.cardOpen = true;
  }

  /** Bank, before FinishTree of `tree`: the node every row ends at (the tree's last positions). */
  #keepLeaves(tree: number): void {
    const bank = (this.trees.save() as { bank?: { cur?: { tree: number; positions: string } } }).bank;
    const cur = bank?.cur;
    if (!cur || cur.tree !== tree) return; // answered before: kept then
    const positions = fromB64U(cur.positions);
    if (positions.some((n) => n > 255)) throw new FedcreditError('INTERNAL', `tree ${tree}: a node number above 255 (depth above 7)`);
    (this.state.leafOf ??= {})[String(tree)] = Buffer.from(Uint8Array.from(positions)).toString('base64');
  }

  async handle(name: string, ref: StepRef, payload: KindMessage, io: SiteIo): Promise<KindMessage> {
    if (TREE_STEPS.has(name)) {
      if (this.#card) throw new FedcreditError('BAD_REQUEST', `${this.input.site}: fusion job ${this.input.jobId} has finished its trees; step ${name} comes too late`);
      if (name === 'FinishTree' && this.#bank) this.#keepLeaves(field.number(payload, 'tree'));
      return this.trees.handle(name, ref, payload, io);
    }
    await this.openCard();
    return this.#card!.handle(name, ref, payload, io);
  }

  finish(): FinishedPart {
    if (!this.#card) throw new FedcreditError('INTERNAL', `${this.input.site}: fusion job ${this.input.jobId} finished before its scorecard half`);
    const card = this.#card.finish();
    const trees = this.#treesPart();
    if (!this.#bank) return { ...card, part: fusionPassivePart(trees, card.part as unknown as ScorecardPart) };
    const leafOf = this.#shapes.map((s) => new Uint8Array(Buffer.from(this.state.leafOf![String(s.tree)]!, 'base64')));
    const cardPart = card.part as unknown as ScorecardPart;
    const part = fusionBankPart({ trees, card: cardPart, shapes: this.#shapes, leafOf, nTrain: this.input.raw.train.length, firstTreeColumn: this.input.features.length });
    // The report's bank-only model: the bank's own ordinary characteristics (trained in the clear
    // at the bank, same bins, WOE and split), never its tree characteristics (they hold passive splits).
    const keep = ordinaryColumns(cardPart);
    const section = card.reportSection?.scorecard;
    const own = keep.length > 0 && card.bankOnlyRows;
    const pick = (rows: readonly Float64Array[]) => rows.map((r) => Float64Array.from(keep, (j) => r[j]!));
    return {
      part, featureCount: card.featureCount, described: [...(card.described ?? []), ...part.treeLines],
      ...(card.validationLogits ? { validationLogits: card.validationLogits } : {}),
      ...(own ? { bankOnlyRows: { train: pick(card.bankOnlyRows!.train), validation: pick(card.bankOnlyRows!.validation) } } : {}),
      ...(section ? { reportSection: { scorecard: { ...section, bankOnly: own ? 'bank-scorecard' : 'bank-lr' } } } : {}),
    };
  }

  close(): Promise<void> {
    return Promise.all([this.trees.close(), this.#card?.close()]).then(() => undefined);
  }
}
