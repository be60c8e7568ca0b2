/**
 * The Python integrator's example (docs/examples/python/score.py) against a real federation:
 * three node processes and a coordinator over mutual TLS. The example signs its own query and
 * sealing key in Python, calls Scoring/Score with grpcio, checks each site's key statement
 * against the federation CA and opens each sealed explanation, MAC included. Its answer must be
 * the one our own client gets. Needs /usr/bin/python3 with grpcio and cryptography (.ci/run
 * installs Debian's python3-grpcio); skipped with the reason printed otherwise.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEntry } from '../../log/entries.js';
import { scoringFixture, type ScoringFixture } from './fixture.js';

const PYTHON = '/usr/bin/python3';
const script = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'docs', 'examples', 'python', 'score.py');

function pythonProblem(): string | undefined {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} is missing`;
  const probe = spawnSync(PYTHON, ['-c', 'import grpc, cryptography'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `${PYTHON} lacks grpcio or cryptography (apt-get install python3-grpcio python3-cryptography): ${probe.stderr.trim().split('\n').pop() ?? ''}`;
}

/** Runs the example without blocking the event loop (the coordinator runs in this process). */
function runPython(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const problem = pythonProblem();
if (problem) console.log(`skipping the Python client example: ${problem}`);

describe.skipIf(problem !== undefined)('docs/examples/python/score.py against a real federation', () => {
  let fx: ScoringFixture;
  beforeAll(async () => {
    fx = await scoringFixture('python-client', { enterprises: 200 });
  }, 240_000);
  afterAll(async () => {
    await fx?.stop();
  });

  it('gets the score our own client gets, with every explanation opened and authenticated', async () => {
    const subject = fx.inAll[0]!;
    await fx.register(subject);
    const consent = fx.grant(subject);
    const consentFile = path.join(fx.dir, 'python-consent.json');
    fs.writeFileSync(consentFile, `${fx.consentText(consent)}\n`);
    const run = await runPython([
      '--coordinator', fx.coordinator.address, '--tls', fx.fed.folder('bank-a'), '--keys', path.join(fx.dir, 'requester-keys'),
      '--consent', consentFile, '--enterprise', subject, '--name', 'bank-a',
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const answer = JSON.parse(run.stdout) as {
      queryId: string; points: number; grade: string; model: string; logIndex: number; entry: string;
      explanations: { site: string; covered: boolean; model: string; reasons: { feature: string }[] }[];
    };
    const ours = await fx.session.score({ enterprise: subject, consent: fx.consentText(consent) });
    expect(answer.points).toBe(ours.points);
    expect(answer.grade).toBe(ours.grade);
    expect(answer.model).toBe(ours.model);
    expect(answer.explanations.map((e) => e.site).sort()).toEqual(['bank', 'power', 'tax']);
    // Reasons to compare (the consent grants explain): the Python side decoded real records, not empty ones.
    expect(answer.explanations.flatMap((e) => e.reasons).length).toBeGreaterThan(0);
    for (const e of answer.explanations) {
      const mine = ours.explanations.find((x) => x.site === e.site)!;
      expect(e.reasons.map((r) => r.feature)).toEqual(mine.reasons.map((r) => r.feature));
      expect(e.covered).toBe(mine.covered);
    }
    // The Python query was checked, logged and counted like any other.
    const entry = decodeEntry(new TextEncoder().encode(answer.entry));
    expect(entry.ok && entry.entry.kind === 'query' && entry.entry.body['queryId'] === answer.queryId && entry.entry.body['requester'] === 'bank-a').toBe(true);
  });

  it('reports a refusal as the gRPC code, and exits 1', async () => {
    const subject = fx.inAll[1]!;
    await fx.register(subject);
    const consentFile = path.join(fx.dir, 'python-consent-other.json');
    // A consent for another enterprise than the one asked about: the coordinator refuses it.
    fs.writeFileSync(consentFile, fx.consentText(fx.grant(fx.inAll[2]!)));
    const run = await runPython([
      '--coordinator', fx.coordinator.address, '--tls', fx.fed.folder('bank-a'), '--keys', path.join(fx.dir, 'requester-keys'),
      '--consent', consentFile, '--enterprise', subject, '--name', 'bank-a',
    ]);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stderr)).toMatchObject({ error: expect.stringMatching(/^[A-Z_]+$/) as unknown as string });
  });
});
