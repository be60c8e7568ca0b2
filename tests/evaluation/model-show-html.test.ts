/**
 * `fedcredit model show V --html FILE [--lang]` over real processes (docs/design/console.md 6.2,
 * 8): a coordinator and three nodes over mutual TLS train an LR model on feature tables
 * uploaded as a user would; its stored report is format v3 with curves for both models (task
 * C2's end-to-end check that the bank computes them), and the file the CLI writes is one
 * self-contained document: no http(s): URL, no src= other than data:, no script. Chromium opens
 * it from file:// with every other request aborted; every chart decodes and nothing is fetched.
 * Screenshots: test-output/screenshots/report/model-show.<lang>.png (looked at by hand).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAlignment } from '../../alignment/client.js';
import { freePort, spawnCoordinator, spawnNode } from '../../lib/party-processes.js';
import { type SpawnedParty } from '../../lib/spawn-party.js';
import { uploadFile } from '../../node/upload.js';
import { parseEvaluationReport } from '../../evaluation/report.js';
import type { ModelMetadata } from '../../training/model-registry.js';
import { testFederation, type TestFederation } from '../helpers/federation.js';
import { rng } from '../training/helpers.js';
import { HAVE_CHROMIUM, openReportFile } from './report-browser.js';
import { cli } from '../helpers/spawned-federation.js';

const SITES = ['bank', 'tax', 'power'] as const;
const N = 1200;
const SHOTS = path.resolve('test-output/screenshots/report');

let dir: string;
let fed: TestFederation;
let coordinatorAddress: string;
let model: ModelMetadata;
const parties: SpawnedParty[] = [];

/** The bank sees a weak signal, tax a strong one, power some. */
function writeTables(): Record<(typeof SITES)[number], string> {
  const next = rng(22);
  const g = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  const rows: Record<string, string[]> = { bank: ['id,y,b0,b1'], tax: ['id,t0,t1'], power: ['id,p0,p1'] };
  for (let i = 1; i <= N; i++) {
    const [b0, t0, p0] = [g(), g(), g()];
    const y = next() < 1 / (1 + Math.exp(-(-2 + 0.5 * b0 + 1.5 * t0 + 0.7 * p0))) ? 1 : 0;
    rows['bank']!.push(`${i},${y},${b0.toFixed(4)},${g().toFixed(4)}`);
    rows['tax']!.push(`${i},${t0.toFixed(4)},${g().toFixed(4)}`);
    rows['power']!.push(`${i},${p0.toFixed(4)},${g().toFixed(4)}`);
  }
  return Object.fromEntries(SITES.map((site) => {
    const file = path.join(dir, `${site}.csv`);
    fs.writeFileSync(file, rows[site]!.join('\n') + '\n');
    return [site, file];
  })) as Record<(typeof SITES)[number], string>;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-report-html-'));
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
  const a = await runAlignment(coordinatorAddress, fed.as('coordinator-operator'), { sites: [...SITES], splitSeed: 'report-html', validationFraction: 0.4 });
  const run = await cli(['train', '--coordinator', coordinatorAddress, '--alignment', a.alignmentId, '--epochs', '3', '--json', ...fed.tls('coordinator-operator')]);
  expect(run.code, run.stderr).toBe(0);
  model = JSON.parse(run.stdout) as ModelMetadata;
}, 600_000);

afterAll(async () => {
  await Promise.all(parties.map((p) => p.stop()));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('model show --html: one self-contained file from a trained model', () => {
  it('the trained model\'s report is format v3, with curves for joint and bank-only and the joint score bins', () => {
    const report = parseEvaluationReport((model.metrics as { report: unknown }).report);
    expect(report.format).toBe('fedcredit.evaluation-report/v3');
    for (const e of [report.joint, report.bankOnly]) {
      expect(e.curves!.thresholds.length).toBeGreaterThanOrEqual(2);
      expect(e.curves!.roc).toHaveLength(e.curves!.thresholds.length + 2);
      expect(e.curves!.lift.length).toBeGreaterThanOrEqual(2);
    }
    expect(report.scoreBins!.count).toBe(report.joint.samples);
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`${lang}: no URL, no script; Chromium decodes every chart offline and requests nothing else`, async () => {
      const file = path.join(dir, `report.${lang}.html`);
      const r = await cli(['model', 'show', model.modelVersion, '--coordinator', coordinatorAddress, '--html', file, '--lang', lang, ...fed.tls('coordinator-operator')]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`model ${model.modelVersion}`);
      expect(r.stderr).toMatch(new RegExp(`wrote ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ KiB\\)`));
      const html = fs.readFileSync(file, 'utf8');
      console.log(`${lang}: ${Math.round(html.length / 1024)} KiB`);
      expect(html).toContain('<meta charset="utf-8">');
      expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`);
      expect(html).not.toMatch(/https?:/i);
      expect(html).not.toMatch(/<script|<link|<iframe|<object/i);
      expect([...html.matchAll(/\ssrc="([^"]*)"/g)].every(([, src]) => src!.startsWith('data:image/svg+xml;base64,'))).toBe(true);
      expect(html).toContain(lang === 'zh-CN' ? '评估报告' : 'evaluation report');
      if (!HAVE_CHROMIUM) return;
      const opened = await openReportFile(file, path.join(SHOTS, `model-show.${lang}.png`), lang === 'zh-CN' ? 'zh-CN' : 'en-US');
      expect(opened.foreign).toEqual([]);
      expect(opened.images).toHaveLength(9);
      for (const img of opened.images) {
        expect(img.naturalWidth, img.alt).toBeGreaterThan(0);
        expect(img.src).toMatch(/^data:image\/svg\+xml/);
      }
      expect(opened.title).toContain(model.modelVersion);
      expect(opened.text).toContain(lang === 'zh-CN' ? '联合模型' : 'joint model');
    }, 120_000);
  }

  it('a model without a readable report: the CLI says so and writes nothing', async () => {
    const file = path.join(dir, 'none.html');
    const r = await cli(['model', 'show', 'm999', '--coordinator', coordinatorAddress, '--html', file, ...fed.tls('coordinator-operator')]);
    expect(r.code).not.toBe(0);
    expect(fs.existsSync(file)).toBe(false);
  });
});
