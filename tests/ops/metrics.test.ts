/**
 * The pieces of issue 17's service surface on their own: training progress counted from the
 * stream the coordinator writes, a party's readiness answered over HTTP, and log lines as JSON
 * with time, level, party and event (or one human line).
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { PartyOps } from '../../lib/party-ops.js';
import { classifyLine, partyLog } from '../../lib/party-log.js';
import { trainingWithMetrics } from '../../coordinator/metrics.js';
import type { TrainingHandlers } from '../../proto/gen/fedcredit/v1/Training.js';

describe('party operations surface', () => {
  it('counts training progress by stage from the RunTraining stream, and follows open streams', async () => {
    const ops = new PartyOps('coordinator', 'coordinator');
    const fake = {
      RunTraining: (stream: { write(p: object): boolean; end(): void }) => {
        stream.write({ stage: 'accepted', jobId: 'trn-1' });
        stream.write({ stage: 'epoch', epoch: 3, validationAuc: 0.7 });
        stream.write({ stage: 'epoch', epoch: 4, validationAuc: 0.71 });
      },
    } as unknown as TrainingHandlers;
    const wrapped = trainingWithMetrics(fake, ops);
    const written: object[] = [];
    const stream = Object.assign(new EventEmitter(), { write: (p: object) => written.push(p) > 0, end: () => undefined });
    (wrapped.RunTraining as unknown as (s: typeof stream) => void)(stream);
    let text = await ops.registry.metrics();
    expect(written).toHaveLength(3);
    expect(text).toMatch(/fedcredit_training_progress_total\{stage="epoch",role="coordinator",party="coordinator"\} 2/);
    expect(text).toMatch(/fedcredit_training_last_epoch\{[^}]*\} 4/);
    expect(text).toMatch(/fedcredit_training_streams\{[^}]*\} 1/);
    expect(text).not.toContain('trn-1');
    stream.emit('finish');
    text = await ops.registry.metrics();
    expect(text).toMatch(/fedcredit_training_streams\{[^}]*\} 0/);
  });

  it('answers /readyz with 503 and the failing check, then 200; /livez always; 404 names the paths', async () => {
    const ops = new PartyOps('node', 'tax');
    let registered = false;
    const lines: string[] = [];
    const port = await ops.start(() => ({ ready: registered, checks: { store: true, registered } }), { port: 0 }, (l) => lines.push(l));
    try {
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/livez`)).status).toBe(200);
      const notYet = await fetch(`${base}/readyz`);
      expect(notYet.status).toBe(503);
      expect(await notYet.json()).toEqual({ role: 'node', ready: false, checks: { store: true, registered: false } });
      registered = true;
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const missing = await fetch(`${base}/nosuch`);
      expect(missing.status).toBe(404);
      expect(await missing.text()).toMatch(/\/livez, \/readyz or \/metrics/);
      expect(lines[0]).toMatch(/^http: listening on 127\.0\.0\.1:\d+/);
    } finally {
      await ops.stop();
    }
  });

  it('writes JSON lines with time, level, role, party, event and msg; or one human line', () => {
    const out: string[] = [];
    const log = partyLog({ role: 'node', party: 'tax', format: 'json', write: (l) => out.push(l) });
    log('NOT_REGISTERED: coordinator refused');
    log('served query to bank-a (log entry 7)');
    const [refused, served] = out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(refused).toMatchObject({ level: 'error', role: 'node', party: 'tax', event: 'not_registered', msg: 'NOT_REGISTERED: coordinator refused' });
    expect(served).toMatchObject({ level: 'info', event: 'served' });
    expect(typeof served!['time']).toBe('string');
    const human: string[] = [];
    partyLog({ role: 'coordinator', party: 'coordinator', format: 'human', write: (l) => human.push(l) })('coordinator 10.0.0.1:7100 unreachable (attempt 1)');
    expect(human[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z WARN  \[coordinator coordinator\] coordinator 10\.0\.0\.1:7100 unreachable/);
    const quiet: string[] = [];
    partyLog({ role: 'node', party: 'tax', format: 'json', level: 'warn', write: (l) => quiet.push(l) })('listening on 127.0.0.1:1');
    expect(quiet).toEqual([]);
    expect(classifyLine('witness: round failed, retrying: x').level).toBe('warn');
  });
});
