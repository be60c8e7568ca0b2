/**
 * A transport for three PsiParty objects in one process: the coordinator's relay without the
 * network. Every message is recorded (from, to, kind, payload as sent) so that tests can assert
 * on exactly what a relay, or a curious recipient, would see.
 */
import type { PsiMessage, PsiMessageKind } from './psi-messages.js';
import type { PsiParty, PsiResult } from './psi.js';

export interface PsiTranscriptEntry {
  /** Delivery order. */
  readonly seq: number;
  readonly from: string;
  readonly to: string;
  readonly kind: PsiMessageKind;
  /** Payload bytes exactly as relayed (sealed, if the parties seal); empty if not recorded. */
  readonly payload: Uint8Array;
  readonly bytes: number;
}

export interface PsiInMemoryRun {
  readonly results: ReadonlyMap<string, PsiResult>;
  readonly transcript: readonly PsiTranscriptEntry[];
}

export interface PsiInMemoryOptions {
  /** Keep payload bytes in the transcript (default true); benchmarks at scale keep sizes only. */
  readonly recordPayloads?: boolean;
}

/**
 * Start all parties and relay until every one has finished. Deliveries to different parties
 * run concurrently, so a shared worker pool stays busy; each party orders its own steps.
 */
export async function runPsiInMemory(
  parties: readonly PsiParty[],
  opts: PsiInMemoryOptions = {},
): Promise<PsiInMemoryRun> {
  const bySite = new Map<string, PsiParty>();
  for (const p of parties) {
    if (bySite.has(p.site)) throw new RangeError(`runPsiInMemory: two parties for site '${p.site}'`);
    bySite.set(p.site, p);
  }
  if (bySite.size !== 3) throw new RangeError(`runPsiInMemory: expected 3 parties, got ${bySite.size}`);
  const record = opts.recordPayloads ?? true;
  const transcript: PsiTranscriptEntry[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;

  const track = (work: Promise<PsiMessage[]>): void => {
    const p = work.then(relay).catch((error: unknown) => {
      failure ??= error;
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const relay = (messages: readonly PsiMessage[]): void => {
    for (const m of messages) {
      const to = bySite.get(m.to);
      if (to === undefined) throw new RangeError(`runPsiInMemory: ${m.from} sent '${m.kind}' to unknown site '${m.to}'`);
      transcript.push({
        seq: transcript.length,
        from: m.from,
        to: m.to,
        kind: m.kind,
        payload: record ? m.payload : new Uint8Array(0),
        bytes: m.payload.length,
      });
      track(to.receive(m));
    }
  };

  for (const p of parties) track(p.start());
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  if (failure !== undefined) throw failure;
  const unfinished = parties.filter((p) => !p.finished).map((p) => p.site);
  if (unfinished.length > 0) {
    throw new Error(`runPsiInMemory: no messages left but ${unfinished.join(', ')} did not finish; check the ring and sessions`);
  }
  return { results: new Map(parties.map((p) => [p.site, p.result()])), transcript };
}
