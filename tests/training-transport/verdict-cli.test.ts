/**
 * Issue 19 over real processes: `fedcredit train` (a CLI process, against a coordinator and four
 * node processes over mutual TLS, on feature tables ingested as a user would) says plainly
 * whether federation paid. When the passive sites hold the signal the bank lacks, it prints the
 * gain; when their features are pure noise, it prints the warning with the likely causes and the
 * options to try, `--json` carries the verdict, and `model show` prints it again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAlignment } from '../../alignment/client.js';
import { freePort, spawnCoordinator, spawnNode } from '../../lib/party-processes.js';
import type { SpawnedParty } from '../../lib/spawn-party.js';
import { uploadFile } from '../../node/upload.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';
import { rng } from '../training/helpers.js';
import { cli } from '../helpers/cli.js';

const SITES = ['bank', 'tax', 'power', 'extra'] as const;
const N = 1600;

let dir: string;
let fed: TestFederation;
let coordinatorAddress: string;
const parties: SpawnedParty[] = [];


/** The bank sees a weak signal, tax the strong one; power and extra hold pure noise. */
function writeTables(): Record<(typeof SITES)[number], string> {
  const next = rng(19);
  const g = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  const rows: Record<string, string[]> = { bank: ['id,y,b0,b1'], tax: ['id,t0,t1'], power: ['id,p0,p1'], extra: ['id,e0,e1'] };
  for (let i = 1; i <= N; i++) {
    const [b0, t0] = [g(), g()];
    const y = next() < 1 / (1 + Math.exp(-(-1 + 0.4 * b0 + 2 * t0))) ? 1 : 0;
    rows['bank']!.push(`${i},${y},${b0.toFixed(4)},${g().toFixed(4)}`);
    rows['tax']!.push(`${i},${t0.toFixed(4)},${g().toFixed(4)}`);
    rows['power']!.push(`${i},${g().toFixed(4)},${g().toFixed(4)}`);
    rows['extra']!.push(`${i},${g().toFixed(4)},${g().toFixed(4)}`);
  }
  return Object.fromEntries(SITES.map((site) => {
    const file = path.join(dir, `${site}.csv`);
    fs.writeFileSync(file, rows[site]!.join('\n') + '\n');
    return [site, file];
  })) as Record<(typeof SITES)[number], string>;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-verdict-'));
  fed = await testFederation(dir);
  const coordinatorPort = await freePort();
  coordinatorAddress = `127.0.0.1:${coordinatorPort}`;
  const layout = { dir, coordinatorPort, coordinatorAddress, fed };
  parties.push(await spawnCoordinator(layout, ['--checkpoint-interval', '200']));
  const nodes = new Map<string, SpawnedParty>();
  for (const site of SITES) {
    const node = await spawnNode(layout, site, ['--witness-interval', '200']);
    parties.push(node);
    nodes.set(site, node);
  }
  const files = writeTables();
  for (const site of SITES) {
    await uploadFile(nodes.get(site)!.address, fed.as(`${site}-operator`), files[site], { kind: 'features', idFormat: 'any', ...(site === 'bank' ? { labelColumn: 'y' } : {}) });
  }
}, 180_000);

afterAll(async () => {
  await Promise.all(parties.map((p) => p.stop()));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function alignAndTrain(sites: string[], json: boolean) {
  const a = await runAlignment(coordinatorAddress, fed.as('coordinator-operator'), { sites, splitSeed: 'verdict', validationFraction: 0.3 });
  const run = await cli(['train', '--coordinator', coordinatorAddress, '--alignment', a.alignmentId, '--epochs', '6', ...(json ? ['--json'] : []), ...fed.tls('coordinator-operator')]);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout;
}

describe('fedcredit train says whether federation paid', () => {
  it('prints the gain when the passive sites carry the signal the bank lacks', async () => {
    const out = await alignAndTrain(['bank', 'tax', 'power'], false);
    console.log(out.split('\n').slice(0, 8).join('\n'));
    expect(out).toMatch(/Federation pays: validation AUC joint 0\.\d{3} vs bank-only 0\.\d{3} \(\+0\.\d{3}\), noise margin 0\.\d{3}\./);
    expect(out).not.toMatch(/WARNING/);
    expect(out).toMatch(/bank-only baseline: the joint LR at the bank alone on its 2 own columns/);
  }, 300_000);

  it('warns, with causes and options, when the passive sites hold pure noise; --json carries the verdict; model show says it again', async () => {
    const out = await alignAndTrain(['bank', 'power', 'extra'], true);
    const model = JSON.parse(out) as ModelMetadata;
    const report = (model.metrics as { report: { verdict: { outcome: string; aucGain: number; noiseMargin: number } } }).report;
    console.log(`noise sites: verdict ${JSON.stringify(report.verdict)}`);
    expect(['joint-not-better', 'within-noise']).toContain(report.verdict.outcome);
    expect(report.verdict.aucGain).toBeLessThanOrEqual(report.verdict.noiseMargin);
    const show = await cli(['model', 'show', model.modelVersion, '--coordinator', coordinatorAddress, ...fed.tls('coordinator-operator')]);
    expect(show.code, show.stderr).toBe(0);
    console.log(show.stdout.split('\n').slice(0, 22).join('\n'));
    expect(show.stdout).toMatch(/WARNING: (federation does not pay on this job|the joint model is no better than the bank's own within noise)/);
    expect(show.stdout).toMatch(/Likely causes:/);
    expect(show.stdout).toMatch(/What to try:/);
    expect(show.stdout).toContain('fedcredit train --epochs 200 --patience 6');
    expect(show.stdout.indexOf('WARNING')).toBeLessThan(show.stdout.indexOf('Evaluation on the validation split'));
  }, 300_000);
});
