/**
 * Issue 17, done-when: a node's metrics move during a consented score query (not only an
 * ingest), and neither its metrics nor its log lines carry an enterprise id: the query's
 * subject, scored by three real node processes with their HTTP endpoints on, appears in no
 * label, no sample and no log line; the node logs whom it served and under which log entry.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scoringFixture, SITES, type ScoringFixture } from '../scoring/fixture.js';

let fx: ScoringFixture;

beforeAll(async () => {
  fx = await scoringFixture('ops-metrics', { enterprises: 150, nodeArgs: ['--http-port', '0', '--log-format', 'json'] });
}, 240_000);

afterAll(async () => {
  await fx?.stop();
});

async function scrape(site: string): Promise<string> {
  const port = fx.nodes.get(site as never)!.httpPort;
  if (!port) throw new Error(`node ${site} announced no HTTP port`);
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** Sum of a metric's samples whose line holds every given label. */
function total(text: string, name: string, labels: Record<string, string>): number {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)))
    .reduce((acc, l) => acc + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

it('a score query moves every node\'s scoring counters and served-record count, with no enterprise id anywhere', async () => {
  const subject = fx.inAll[0]!;
  await fx.register(subject);
  const before = new Map<string, string>();
  for (const site of SITES) before.set(site, await scrape(site));
  const result = await fx.session.score({ enterprise: subject, consent: fx.consentText(fx.grant(subject)) });
  expect(result.scored).toBe(true);
  for (const site of SITES) {
    const after = await scrape(site);
    const was = before.get(site)!;
    // ComputeShares is one kept-open stream per node (counted when it ends): the per-query count is the served record's.
    expect(total(after, 'fedcredit_served_records_total', { kind: 'query' }), `${site}: served query records`)
      .toBe(total(was, 'fedcredit_served_records_total', { kind: 'query' }) + 1);
    for (const id of [subject, ...fx.inAll.slice(0, 50)]) expect(after).not.toContain(id);
  }
  // A served-query line at each node: whom, which entry; never the enterprise.
  for (const site of SITES) {
    const node = fx.nodes.get(site as never)!;
    const served = node.logLines.filter((l) => l.includes('"event":"served"') && l.includes('served query to'));
    expect(served.length, `${site}: a served-query log line`).toBeGreaterThanOrEqual(1);
    expect(served.at(-1)).toMatch(/served query to [\w-]+ \(log entry \d+\)/);
    for (const line of node.logLines) expect(line, `${site} logged the subject`).not.toContain(subject);
  }
}, 120_000);
