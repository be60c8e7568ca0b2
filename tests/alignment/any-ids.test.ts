/**
 * Issue 14 over real processes: three data nodes holding FATE-style feature tables with
 * integer ids (ingested as `--id-format any`, no conversion) align through the coordinator
 * (real gRPC, mutual TLS, LevelDB stores), and a job whose nodes hold different id types is
 * refused at the start with a message naming what each node holds and what to pass.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAlignment } from '../../alignment/client.js';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/server.js';
import { spawnParty, type SpawnedParty } from '../../lib/spawn-party.js';
import { uploadFile } from '../../node/upload.js';
import type { PsiEnvelope__Output } from '../../proto/gen/fedcredit/v1/PsiEnvelope.js';
import { NodeStore, type StoredAlignmentRecord } from '../../site/store.js';
import { makeCreditCode } from '../../schema/credit-code.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';
import { cli } from '../helpers/cli.js';

const SITES = ['bank', 'tax', 'power', 'extra'] as const;
type TestSite = (typeof SITES)[number];
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => String(a + i));
/** FATE's vertical split: the guest (bank) holds the label, the hosts hold other columns. */
const IDS: Record<Exclude<TestSite, 'extra'>, string[]> = {
  bank: range(1, 1200),
  tax: range(601, 2000),
  power: range(301, 1500),
};
const EXPECTED = new Set(range(601, 1200));

let dir: string;
let coordinator: RunningCoordinator;
let fed: TestFederation;
const nodes = new Map<TestSite, SpawnedParty>();
const relayed: PsiEnvelope__Output[] = [];

function writeTable(name: string, ids: string[], label: boolean): string {
  const rows = ids.map((id, i) => [id, ...(label ? [String(i % 3 === 0 ? 1 : 0)] : []), (i % 17) / 4, ((i * 7) % 11) - 5].join(','));
  const file = path.join(dir, `${name}.csv`);
  fs.writeFileSync(file, [['id', ...(label ? ['y'] : []), `${name}_x0`, `${name}_x1`].join(','), ...rows].join('\n') + '\n');
  return file;
}


beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-any-ids-'));
  fed = await testFederation(dir);
  coordinator = await startCoordinator({ dataDir: path.join(dir, 'coordinator'), transport: fed.as('coordinator'), log: () => undefined, onRelay: (env) => relayed.push(env) });
  for (const site of SITES) {
    nodes.set(site, await spawnParty(`node ${site}`, ['node', 'serve', '--site', site, '--data', path.join(dir, `node-${site}`), '--port', '0', '--coordinator', coordinator.address, ...fed.tls(site)]));
  }
  for (let i = 0; i < 200; i++) {
    const registered = await coordinator.registry.list();
    if (SITES.every((s) => registered.some((n) => n.site === s && n.address === nodes.get(s)!.address))) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const site of ['bank', 'tax', 'power'] as const) {
    const file = writeTable(site, IDS[site], site === 'bank');
    await uploadFile(nodes.get(site)!.address, fed.as(`${site}-operator`), file, { kind: 'features', idFormat: 'any', ...(site === 'bank' ? { labelColumn: 'y' } : {}) });
  }
  // A fourth site whose table is keyed by credit codes, declared as such.
  const codes = range(1, 50).map((n) => makeCreditCode({ authority: '9', entityType: '1', division: '310115', orgBody: n.padStart(8, '0') }));
  await uploadFile(nodes.get('extra')!.address, fed.as('extra-operator'), writeTable('extra', codes, false), { kind: 'features', idFormat: 'credit-code' });
}, 120_000);

afterAll(async () => {
  await Promise.all([...nodes.values()].map((n) => n.stop()));
  await coordinator?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('feature tables with integer ids, three node processes', () => {
  let alignmentId = '';

  it('align with no id option and no conversion: exactly the ids all three tables hold', async () => {
    const result = await runAlignment(coordinator.address, fed.as('coordinator-operator'), { sites: ['bank', 'tax', 'power'], splitSeed: 'fate', validationFraction: 0.2 });
    alignmentId = result.alignmentId;
    expect(Number(result.intersectionSize)).toBe(EXPECTED.size);
    expect(result.setSizes.map((s) => [s.site, Number(s.size)])).toEqual([['bank', 1200], ['tax', 1400], ['power', 1200]]);
    expect([result.idType, result.idCase]).toEqual(['any', 'keep']);
  });

  it('relays no id, and no message size depends on the ids', () => {
    expect(relayed.length).toBeGreaterThanOrEqual(13);
    for (const env of relayed) {
      const payload = Buffer.from(env.payload);
      for (const id of ['1199', '601', '1500', '2000']) expect(payload.includes(Buffer.from(`,${id},`))).toBe(false);
    }
    // The sealed first sets are 32 bytes per id plus the seal's fixed overhead, whatever the ids' lengths (1 to 4 digits).
    const first = (kind: string) => relayed.find((e) => e.kind === kind)!.payload.length;
    expect(first('leader-set-1') - 1200 * 32).toBe(first('second-set-1') - 1400 * 32);
    expect(first('third-set-1') - 1200 * 32).toBe(first('second-set-1') - 1400 * 32);
  });

  it('the CLI refuses a job whose nodes hold different id types, saying who holds what and what to pass', async () => {
    const base = ['align', '--coordinator', coordinator.address, '--sites', 'bank,tax,extra', ...fed.tls('coordinator-operator')];
    const plain = await cli(base);
    expect(plain.code).not.toBe(0);
    const text = plain.stderr + plain.stdout;
    expect(text).toContain('ID_TYPE_MISMATCH');
    expect(text).toContain('bank holds free-form ids (feature table), tax holds free-form ids (feature table), extra holds credit codes (feature table)');
    expect(text).toContain('align them with --id-type any, or ingest bank\'s and tax\'s tables with --id-format credit-code');
    expect(text).not.toContain('Run it again');

    const asCodes = await cli([...base, '--id-type', 'credit-code']);
    expect(asCodes.code).not.toBe(0);
    expect(asCodes.stderr + asCodes.stdout).toMatch(/the job aligns credit codes \(--id-type credit-code\) but bank holds free-form ids/);
    expect(asCodes.stderr + asCodes.stdout).not.toContain('Run it again');

    // Declared as any, credit codes are text like the rest: the job runs (and shares nothing).
    const asAny = await cli([...base, '--id-type', 'any', '--json']);
    expect(asAny.code, asAny.stderr).toBe(0);
    expect(JSON.parse(asAny.stdout)).toMatchObject({ intersectionSize: 0, idType: 'any' });
  });

  it('every node stored its own ids of the intersection, in one order, with the id rule', async () => {
    await Promise.all([...nodes.values()].map((n) => n.stop()));
    const records: StoredAlignmentRecord[] = [];
    for (const site of ['bank', 'tax', 'power'] as const) {
      const store = await NodeStore.open(path.join(dir, `node-${site}`));
      try {
        records.push((await store.alignments.get(alignmentId))!);
      } finally {
        await store.close();
      }
    }
    for (const r of records) {
      expect(new Set(r.ids)).toEqual(EXPECTED);
      expect(r.ids).toEqual(records[0]!.ids);
      expect(r.validation).toEqual(records[0]!.validation);
      expect([r.idType, r.idCase]).toEqual(['any', 'keep']);
    }
  });
});
