/**
 * The coordinator console's pages (console/pages/coordinator/) over plain HTTP, without a
 * browser, against a real coordinator and three nodes (in-process, real gRPC with TLS): every
 * view in en and zh-CN without a raw message key; a viewer refused every action (403) and shown
 * no form; the training form refused with the CLI's own messages before anything is sent; a job
 * started from the form streams its epochs by SSE, two browsers on one job cost the console one
 * RunTraining stream; resume; an alignment started from the form with its progress.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleServer, type ConsoleServer } from '../../console/server.js';
import { KindClients } from '../../console/clients.js';
import { jobStreams } from '../../console/pages/coordinator/job-stream.js';
import type { RunningCoordinator } from '../../coordinator/server.js';
import type { RunningNode } from '../../node/server.js';
import type { Site } from '../../schema/site-schema.js';
import { listJobs } from '../../training/client.js';
import { SITES, fairBatchSize, inProcessCoordinator, inProcessNode, ingestAndAlign, makeSetup, type Setup } from '../training-transport/helpers.js';

const ORIGIN = 'https://console.test';
let s: Setup;
let coordinator: RunningCoordinator;
const nodes = new Map<Site, RunningNode>();
let consoleServer: ConsoleServer;
let clients: KindClients;
let alignmentId: string;
let batch: number;
let dataDir: string;

interface Who { cookie: string; csrf: string }
function signIn(access: 'viewer' | 'admin', lang: 'en' | 'zh-CN'): Who {
  const { id, session } = consoleServer.sessions.create({ user: access === 'admin' ? 'ada' : 'vic', access }, lang);
  return { cookie: `__Host-fc-session=${id}`, csrf: session.csrf };
}

async function get(who: Who, p: string): Promise<{ status: number; body: string; location: string | null }> {
  const res = await fetch(consoleServer.url + p, { headers: { cookie: who.cookie }, redirect: 'manual' });
  return { status: res.status, body: await res.text(), location: res.headers.get('location') };
}

async function post(who: Who, p: string, fields: Record<string, string>): Promise<{ status: number; body: string; location: string | null }> {
  const res = await fetch(consoleServer.url + p, {
    method: 'POST', redirect: 'manual',
    headers: { cookie: who.cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
  });
  return { status: res.status, body: await res.text(), location: res.headers.get('location') };
}

/** Reads an SSE response until the server closes it or a message says close; the JSON messages. */
/** The messages of one SSE stream; `ids` gets each message's event id ('' for none). */
async function sseMessages(who: Who, p: string, until: (m: Record<string, unknown>) => boolean = (m) => m['close'] === true || m['reload'] === true,
  opts: { lastEventId?: string; ids?: string[] } = {}): Promise<Record<string, unknown>[]> {
  const res = await fetch(consoleServer.url + p, { headers: { cookie: who.cookie, accept: 'text/event-stream', ...(opts.lastEventId ? { 'last-event-id': opts.lastEventId } : {}) } });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const messages: Record<string, unknown>[] = [];
  const reader = res.body!.getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += Buffer.from(value).toString('utf8');
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      if (!data) continue;
      const m = JSON.parse(data) as Record<string, unknown>;
      messages.push(m);
      opts.ids?.push(block.split('\n').find((l) => l.startsWith('id: '))?.slice(4) ?? '');
      if (until(m)) {
        await reader.cancel();
        return messages;
      }
    }
  }
  return messages;
}

const RAW_KEY = /\b(coordinator|common|errors?|login)\.[a-z][A-Za-z]*(\.[A-Za-z_]+)?\b/;
const VIEWS = ['/', '/nodes', '/alarms', '/log', '/alignments', '/training', '/monitoring'];

beforeAll(async () => {
  s = await makeSetup('console-coord', 1000, 'console-coord');
  coordinator = await inProcessCoordinator(s);
  for (const site of SITES) nodes.set(site, await inProcessNode(s, site));
  const aligned = await ingestAndAlign(s, (site) => nodes.get(site)!.address);
  alignmentId = aligned.alignmentId;
  batch = fairBatchSize(aligned.trainSize);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-console-coord-data-'));
  clients = new KindClients('coordinator', s.coordinatorAddress, s.fed.as('coordinator-operator'));
  consoleServer = await startConsoleServer({
    kind: 'coordinator', identity: { role: 'operator', name: 'coordinator' }, tlsDir: s.fed.folder('coordinator-operator'), target: s.coordinatorAddress,
    dataDir, publicOrigin: ORIGIN, listenHost: '127.0.0.1', listenPort: 0, https: { mode: 'proxy' }, enterprisePortal: false,
    defaultLang: 'zh-CN', timeZone: 'Asia/Shanghai', printLink: false, maxUpload: 1024 * 1024,
  }, { clients, log: () => undefined });
}, 300_000);

afterAll(async () => {
  jobStreams.close();
  await consoleServer?.close();
  clients?.close();
  for (const n of nodes.values()) await n.stop();
  await coordinator?.stop();
  if (s) fs.rmSync(s.dir, { recursive: true, force: true });
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('coordinator console pages', () => {
  it('every view opens in en and zh-CN for a viewer, without a raw message key, and without the admin forms', async () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const viewer = signIn('viewer', lang);
      for (const view of VIEWS) {
        const page = await get(viewer, view);
        expect(page.status, `${view} ${lang}`).toBe(200);
        expect(page.body, `${view} ${lang}`).toContain(`<html lang="${lang}">`);
        expect(page.body.match(RAW_KEY)?.[0], `${view} ${lang}: a raw message key`).toBeUndefined();
        expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
        expect(page.body).not.toMatch(/\sstyle=/);
        expect(page.body).not.toContain('id="train-form"');
        expect(page.body).not.toContain('id="align-form"');
      }
    }
    const zh = await get(signIn('viewer', 'zh-CN'), '/');
    expect(zh.body).toContain('协调方总览');
    expect(zh.body).toContain('在线节点');
    const nodesPage = await get(signIn('viewer', 'en'), '/nodes');
    for (const site of SITES) expect(nodesPage.body).toContain(`data-site="${site}"`);
    const logPage = await get(signIn('viewer', 'en'), '/log');
    expect(logPage.body).toMatch(/<pre class="mono" id="final-note">fedcredit\.local\/log\n\d+\n/);
  });

  it('a viewer is refused every action (403) and nothing starts', async () => {
    const viewer = signIn('viewer', 'en');
    const before = (await listJobs(s.coordinatorAddress, s.fed.as('coordinator-operator'))).length;
    expect((await post(viewer, '/training', { alignment: alignmentId })).status).toBe(403);
    expect((await post(viewer, '/alignments', { sites: 'bank,tax,power' })).status).toBe(403);
    expect((await post(viewer, '/training/trn-x/resume', {})).status).toBe(403);
    expect((await listJobs(s.coordinatorAddress, s.fed.as('coordinator-operator'))).length).toBe(before);
  });

  it('the training form is refused with the CLI\'s own messages before anything is sent', async () => {
    const admin = signIn('admin', 'en');
    const zero = await post(admin, '/training', { alignment: alignmentId, epochs: '0' });
    expect(zero.status).toBe(400);
    expect(zero.body).toContain('--epochs must be a positive whole number, got &#39;0&#39;');
    const bins = await post(admin, '/training', { alignment: alignmentId, model: 'lr', bins: '5' });
    expect(bins.status).toBe(400);
    expect(bins.body).toMatch(/--bins is for --model scorecard only/);
    const clip = await post(admin, '/training', { alignment: alignmentId, 'clip-quantiles': '0.7,0.2' });
    expect(clip.body).toContain('--clip-quantiles takes two quantiles');
    // Every kind the CLI trains is offered, in the page's language beside its code; fusion's own flags are fields too.
    const form = await get(signIn('admin', 'zh-CN'), '/training');
    for (const [kind, words] of [['lr', '逻辑回归'], ['scorecard', '评分卡'], ['boosted-trees', '梯度提升树'], ['fusion', '融合模型：树作为评分卡特征']]) {
      expect(form.body).toMatch(new RegExp(`<option value="${kind}"[^>]*>${words} \\(${kind}\\)</option>`));
    }
    expect(form.body).toContain('name="fusion-trees"');
    const fusionFlag = await post(admin, '/training', { alignment: alignmentId, model: 'scorecard', 'fusion-trees': '3' });
    expect(fusionFlag.status).toBe(400);
    expect(fusionFlag.body).toContain('--fusion-trees and --fusion-depth are for --model fusion only');
    expect(await listJobs(s.coordinatorAddress, s.fed.as('coordinator-operator'))).toEqual([]);
  });

  it('a job started from the form streams its epochs by SSE, one stream for two browsers; resume; job page', async () => {
    const admin = signIn('admin', 'zh-CN');
    const started = await post(admin, '/training', { alignment: alignmentId, model: 'lr', epochs: '3', patience: '10', batch: String(batch), purpose: 'credit-scoring' });
    expect(started.status).toBe(303);
    expect(started.location).toMatch(/^\/training\/trn-/);
    const jobPath = started.location!;
    const viewer = signIn('viewer', 'en');
    const page = await get(viewer, jobPath);
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/data-sse="\/training\/trn-[^"]+\/events\?after=0"/);
    // Two browsers on the job: the console holds the one stream that started it. A third one
    // reconnects (EventSource sends the id of the last epoch it showed): it goes on after it.
    const aIds: string[] = [];
    const [a, b, c] = await Promise.all([sseMessages(viewer, `${jobPath}/events?after=0`, undefined, { ids: aIds }), sseMessages(admin, `${jobPath}/events?after=0`),
      sseMessages(viewer, `${jobPath}/events?after=0`, undefined, { lastEventId: '2' }), (async () => {
        await new Promise((r) => setTimeout(r, 500));
        expect(jobStreams.openStreams).toBe(1);
      })()]);
    const epochLines = (messages: Record<string, unknown>[]) => messages.map((m) => (m['append'] as Record<string, string> | undefined)?.['epochs']).filter((l) => l !== undefined);
    for (const messages of [a!, b!]) {
      expect(epochLines(messages)).toHaveLength(3);
      expect(messages.at(-1)).toMatchObject({ close: true });
    }
    // Each epoch's line carries the count of epochs shown with it; nothing else is numbered.
    expect(aIds.filter((id) => id !== '')).toEqual(['1', '2', '3']);
    expect(a!.filter((_, i) => aIds[i] !== '').every((m) => m['append'] !== undefined)).toBe(true);
    expect(epochLines(c!)).toEqual([epochLines(a!)[2]]);
    expect(epochLines(c!)[0]).toMatch(/^epoch 3: validation AUC/);
    const zhEpoch = (b!.find((m) => m['append']) as { append: { epochs: string } }).append.epochs;
    expect(zhEpoch).toMatch(/^第 1 轮：验证集 AUC 0\.\d{3}$/);

    const done = await get(viewer, jobPath);
    expect(done.body).toContain('class="status-ok"');
    expect(done.body.match(/<li class="epoch">/g)?.length).toBe(3);
    expect(done.body).not.toContain('data-sse=');
    expect(done.body).not.toContain('id="resume-form"');
    // A finished job's events: its state, then close, no stream opened for it.
    // (as the live stream's end says it: the model, and the last progress message cleared)
    const ended = { text: { 'job-state': expect.stringMatching(/^done: model m\d+$/), 'job-message': '' }, status: { 'job-state': 'ok' }, close: true };
    expect(await sseMessages(viewer, `${jobPath}/events?after=3`)).toEqual([ended]);
    // A browser cut off after the first epoch that reconnects once the job ended: the epochs it
    // missed (the console kept them), then the state.
    const late = await sseMessages(viewer, `${jobPath}/events?after=0`, undefined, { lastEventId: '1' });
    expect(epochLines(late)).toEqual(epochLines(a!).slice(1));
    expect(late.at(-1)).toEqual(ended);

    const resumed = await post(admin, `${jobPath}/resume`, {});
    expect(resumed.status).toBe(303);
    expect(resumed.location).toBe(jobPath);
    const list = await get(viewer, '/training');
    expect(list.body).toContain(`data-job="${jobPath.slice('/training/'.length)}"`);
  }, 240_000);

  it('an alignment started from the form shows its progress and result', async () => {
    const admin = signIn('admin', 'en');
    expect((await post(admin, '/alignments', { sites: 'bank,tax', validation: '0.2' })).status).toBe(400);
    expect((await post(admin, '/alignments', { sites: 'bank,tax,power', validation: '2' })).status).toBe(400);
    const started = await post(admin, '/alignments', { sites: 'bank,tax,power', validation: '0.25', seed: 'console-test' });
    expect(started.status).toBe(303);
    const runPath = started.location!;
    expect(runPath).toMatch(/^\/alignments\/runs\//);
    const messages = await sseMessages(admin, `${runPath}/events?after=0`);
    expect(messages.filter((m) => m['append']).length).toBeGreaterThan(0);
    expect(messages.at(-1)).toMatchObject({ reload: true });
    // A browser that reconnects after the second line gets the rest, numbered on from there.
    const ids: string[] = [];
    const rest = await sseMessages(admin, `${runPath}/events?after=0`, undefined, { lastEventId: '2', ids });
    expect(rest.filter((m) => m['append'])).toEqual(messages.filter((m) => m['append']).slice(2));
    expect(ids.filter((id) => id !== '')).toEqual(messages.filter((m) => m['append']).slice(2).map((_, i) => String(i + 3)));
    const page = await get(admin, runPath);
    expect(page.body).toMatch(/data-alignment="[^"]+"/);
    const list = await get(admin, '/alignments');
    expect(list.body.match(/data-alignment=/g)?.length).toBe(2);
  }, 120_000);

  it('a missing monitoring run and job are error pages with the server\'s code', async () => {
    const viewer = signIn('viewer', 'en');
    const run = await get(viewer, '/monitoring/runs/nope');
    expect(run.status).toBe(404);
    expect(run.body).toContain('data-error-code="RUN_NOT_FOUND"');
    const job = await get(viewer, '/training/trn-nope');
    expect(job.status).toBe(404);
    expect(job.body).toContain('data-error-code="NOT_FOUND"');
  });
});
