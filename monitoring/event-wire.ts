/**
 * A monitoring event on the wire and back (issue 21, docs/design/monitoring.md 4.2): the one
 * place where monitoring/events.ts's `MonitoringEvent` (what the coordinator stores) becomes the
 * proto `MonitoringEvent` the Watch stream carries, and where the bank's client reads it back,
 * so the server (monitoring/watch-service.ts) and the client (monitoring/requester.ts) cannot
 * drift apart on a field.
 *
 * Reading back is strict about form (a kind we do not know, a warning level that is not one,
 * an id that is not a positive integer are refused, naming the field): the client writes what
 * it reads into the bank's out file, which must hold only events it understood.
 */
import { FedcreditError } from '../lib/errors.js';
import type { WarningLevel } from '../scoring/score-scale.js';
import type { EventScore, EventSiteAnswer, MonitoringEvent, RunSummary } from './events.js';
import type { MonitoringEvent as WireEvent, MonitoringEvent__Output as WireEventOut } from '../proto/gen/fedcredit/v1/MonitoringEvent.js';
import type { EventScore as WireScore, EventScore__Output as WireScoreOut } from '../proto/gen/fedcredit/v1/EventScore.js';
import type { RunSummary__Output as WireRunOut } from '../proto/gen/fedcredit/v1/RunSummary.js';

const WARNING_LEVELS: readonly WarningLevel[] = ['none', 'blue', 'yellow', 'red'];
const KINDS = new Set<MonitoringEvent['kind']>(['change', 'skip', 'resumed', 'run-finished']);

function scoreToWire(s: EventScore): WireScore {
  return { points: s.points, grade: s.grade, warning: s.warning, asOf: s.asOf, modelVersion: s.modelVersion, probabilityOfDefault: s.probabilityOfDefault ?? 0 };
}

/** The proto message for a stored event (server side). */
export function eventToWire(e: MonitoringEvent): WireEvent {
  return {
    eventId: e.eventId.toString(),
    kind: e.kind,
    portfolio: e.portfolio,
    runId: e.runId,
    subject: e.subject ?? '',
    timeMs: e.timeMs,
    previous: e.previous ? scoreToWire(e.previous) : null,
    current: e.current ? scoreToWire(e.current) : null,
    direction: e.direction ?? '',
    modelChanged: e.modelChanged ?? false,
    skipCode: e.skipCode ?? '',
    sites: (e.sites ?? []).map((s) => ({ site: s.site, covered: s.covered, sealedExplanation: Buffer.from(s.sealedExplanation), siteKeyStatement: Buffer.from(s.siteKeyStatement) })),
    logIndex: e.logIndex ?? 0,
    entry: Buffer.from(e.entry ?? new Uint8Array()),
    answerSignature: Buffer.from(e.answerSignature ?? new Uint8Array()),
    run: e.run ? { runId: e.run.runId, scored: e.run.scored, skipped: e.run.skipped, changed: e.run.changed, psi: e.run.psi ?? 0, psiLevel: e.run.psiLevel ?? '' } : null,
  };
}

function bad(field: string, why: string): FedcreditError {
  return new FedcreditError('BAD_REQUEST', `the coordinator sent a monitoring event whose ${field} ${why}; this client does not understand it (upgrade fedcredit, or report it)`);
}

function scoreFromWire(s: WireScoreOut, field: string, withPd: boolean): EventScore {
  if (!(WARNING_LEVELS as readonly string[]).includes(s.warning)) throw bad(`${field}.warning`, `'${s.warning.slice(0, 20)}' is not a warning level`);
  return {
    points: s.points, grade: s.grade, warning: s.warning as WarningLevel, asOf: s.asOf, modelVersion: s.modelVersion,
    ...(withPd ? { probabilityOfDefault: s.probabilityOfDefault } : {}),
  };
}

function runFromWire(r: WireRunOut): RunSummary {
  return { runId: r.runId, scored: r.scored, skipped: r.skipped, changed: r.changed, ...(r.psiLevel ? { psi: r.psi, psiLevel: r.psiLevel } : {}) };
}

/** The event a client received (client side); refuses a malformed one naming the field. */
export function eventFromWire(w: WireEventOut): MonitoringEvent {
  if (!/^[1-9]\d{0,19}$/.test(w.eventId)) throw bad('event_id', `'${w.eventId.slice(0, 24)}' is not a positive integer`);
  if (!KINDS.has(w.kind as MonitoringEvent['kind'])) throw bad('kind', `'${w.kind.slice(0, 24)}' is not change, skip, resumed or run-finished`);
  if (w.direction !== '' && w.direction !== 'worse' && w.direction !== 'better') throw bad('direction', `'${w.direction.slice(0, 24)}' is not worse or better`);
  const sites: EventSiteAnswer[] = w.sites.map((s) => ({ site: s.site, covered: s.covered, sealedExplanation: new Uint8Array(s.sealedExplanation), siteKeyStatement: new Uint8Array(s.siteKeyStatement) }));
  return {
    eventId: BigInt(w.eventId),
    kind: w.kind as MonitoringEvent['kind'],
    portfolio: w.portfolio,
    runId: w.runId,
    timeMs: Number(w.timeMs),
    ...(w.subject ? { subject: w.subject } : {}),
    ...(w.previous ? { previous: scoreFromWire(w.previous, 'previous', false) } : {}),
    ...(w.current ? { current: scoreFromWire(w.current, 'current', true) } : {}),
    ...(w.direction ? { direction: w.direction as 'worse' | 'better' } : {}),
    ...(w.modelChanged ? { modelChanged: true } : {}),
    ...(w.skipCode ? { skipCode: w.skipCode } : {}),
    ...(sites.length ? { sites } : {}),
    ...(w.entry.length ? { logIndex: Number(w.logIndex), entry: new Uint8Array(w.entry) } : {}),
    ...(w.answerSignature.length ? { answerSignature: new Uint8Array(w.answerSignature) } : {}),
    ...(w.run ? { run: runFromWire(w.run) } : {}),
  };
}

/** The explanation id a re-score's boxes and answer signature are bound to (design 2.2 step 4). */
export function rescoreId(runId: string, subject: string): string {
  return `${runId}:${subject}`;
}
