/**
 * The consent check of one monitoring re-score (docs/design/monitoring.md section 1, "Consent
 * checks per re-score"): the coordinator and every node run it per item and run, each on its own
 * ledger, as they run consumeSignedQuery for a single query (DESIGN.md: each party checks the
 * consent itself).
 *
 * There is no signed query: the bank's signed instruction, logged when the item was added
 * (monitoring/instruction.ts), stands for it, so the requester checked here is the portfolio's
 * bank with the key its instruction verified under. The rest are consumeSignedQuery's checks
 * minus the query (verifyConsentTerms: signature, key binding, requester, revocation, validity,
 * purpose `loan-monitoring`, scope with operation `score`, the sites and a data window that
 * covers the as-of month), then the uses, **counted per as-of month** (ConsentLedger.
 * consumeMonth): the first re-score of a consent for month M uses one use, another run in M
 * (an ingest trigger after the scheduled run) uses none. So a consent's `maxUses` is the months
 * it may be monitored.
 *
 * One difference from the design's signature: `sites` (every site this party checks for) in
 * place of `site?`, because the coordinator must check that the scope covers every site of the
 * portfolio's model, which a lone optional site cannot say.
 */
import type { Consent } from './record.js';
import type { ConsentLedger, MonthlyConsumed } from './ledger.js';
import type { ConsentContext } from './verify.js';

export const MONITORING_PURPOSE = 'loan-monitoring';
/** What a re-score does with the consent; `explain` is optional (no reasons without it). */
export const MONITORING_OPERATION = 'score';

/** The consent as the item stores it (its text, verbatim) or parsed. */
export type ConsentRecord = string | Consent;

export interface MonitoringUse {
  /** The portfolio's bank: its certified name and the query-signing key its instruction verified under. */
  readonly requester: ConsentContext['requester'];
  /** The item's enterprise. */
  readonly subject: string;
  /** The sites this party answers for: a node its own, the coordinator every site of the model. */
  readonly sites: readonly string[];
  readonly runId: string;
  /** YYYY-MM: the month the features are as of; a use is counted once per consent and as-of month. */
  readonly asOf: string;
  /** The months of records the answer reads (a node: its features' window for asOf); the as-of month is always included. */
  readonly dataWindow?: { readonly from: string; readonly to: string };
  /** The fewest consecutive months the answer reads (the model's longest feature window). */
  readonly minDataMonths?: number;
  readonly now?: number;
  /** As ConsentLedger.consume: resolve once claimed, and await `written` before answering. */
  readonly deferWrite?: boolean;
}

export type CheckOutcome = MonthlyConsumed;

/** Checks one item for one run and counts the as-of month's use (see the module comment). */
export function checkMonitoringUse(ledger: ConsentLedger, consent: ConsentRecord, use: MonitoringUse): Promise<CheckOutcome> {
  const w = use.dataWindow ?? { from: use.asOf, to: use.asOf };
  const dataWindow = { from: w.from < use.asOf ? w.from : use.asOf, to: w.to > use.asOf ? w.to : use.asOf };
  return ledger.consumeMonth(consent, {
    requester: use.requester,
    request: {
      subject: use.subject, purpose: MONITORING_PURPOSE, operation: MONITORING_OPERATION, sites: use.sites, dataWindow,
      ...(use.minDataMonths !== undefined ? { minDataMonths: use.minDataMonths } : {}),
    },
    month: use.asOf,
    runId: use.runId,
    ...(use.now !== undefined ? { now: use.now } : {}),
  }, { deferWrite: use.deferWrite ?? false });
}
