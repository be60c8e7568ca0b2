/**
 * How a bank adds enterprises to (or removes them from) a monitoring portfolio: each consent
 * turned into an instruction signed with the bank's query-signing key (monitoring/instruction.ts),
 * sent ITEMS_PER_CALL at a time with Monitoring.UpdatePortfolio. One code path for both of
 * the bank's front ends: `fedcredit monitor portfolio add|remove` (requester/monitor-cli.ts)
 * and the bank's web console (console/pages/bank/), so both sign and send exactly alike.
 */
import { FedcreditError } from '../lib/errors.js';
import { call } from '../lib/grpc.js';
import type { Consent } from '../consent/record.js';
import type { RequesterKeys } from '../scoring/requester-keys.js';
import type { MonitoringClient } from '../proto/gen/fedcredit/v1/Monitoring.js';
import type { PortfolioItemResult__Output } from '../proto/gen/fedcredit/v1/PortfolioItemResult.js';
import { signInstruction } from './instruction.js';

/** Items per UpdatePortfolio call (the service's limit). */
export const ITEMS_PER_CALL = 1000;

export interface PortfolioItemUpdate {
  readonly adds?: { consent: string; instruction: Buffer; signature: Buffer };
  readonly removes?: { subject: string; instruction: Buffer; signature: Buffer };
}

/** The signed instruction of one consent; `source` (a file name) names it in a refusal. */
export function signItem(keys: RequesterKeys, consent: Consent, op: 'add' | 'remove', portfolio: string, source: string) {
  try {
    return signInstruction(keys.identity, consent, { op, portfolio });
  } catch (err) {
    throw new FedcreditError('INSTRUCTION_INVALID', `${source}: ${(err as Error).message}`);
  }
}

/** An add per consent, each instruction signed with the bank's key. */
export function addItems(keys: RequesterKeys, portfolio: string, consents: readonly { source: string; text: string; consent: Consent }[]): PortfolioItemUpdate[] {
  return consents.map((c) => {
    const s = signItem(keys, c.consent, 'add', portfolio, c.source);
    return { adds: { consent: c.text, instruction: Buffer.from(s.text), signature: Buffer.from(s.signature) } };
  });
}

/** Sends adds or removes ITEMS_PER_CALL a call; `progress` after each call when there is more than one. */
export async function sendPortfolioUpdate(
  client: MonitoringClient, portfolio: string, items: readonly PortfolioItemUpdate[],
  progress?: (sent: number, total: number, refused: number) => void,
): Promise<PortfolioItemResult__Output[]> {
  const results: PortfolioItemResult__Output[] = [];
  for (let i = 0; i < items.length; i += ITEMS_PER_CALL) {
    const chunk = items.slice(i, i + ITEMS_PER_CALL);
    const adds = chunk.flatMap((c) => (c.adds ? [c.adds] : []));
    const removes = chunk.flatMap((c) => (c.removes ? [c.removes] : []));
    const r = await call(client, client.UpdatePortfolio, { portfolio, adds, removes }, 120_000);
    results.push(...r.results);
    if (items.length > ITEMS_PER_CALL) progress?.(Math.min(i + ITEMS_PER_CALL, items.length), items.length, results.filter((x) => !x.ok).length);
  }
  return results;
}
