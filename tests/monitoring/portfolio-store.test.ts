import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Level } from 'level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PortfolioStore, removedItem, type Portfolio, type PortfolioItem } from '../../monitoring/portfolio-store.js';
import { EventStore } from '../../monitoring/events.js';

let dir: string;
let root: Level<string, unknown>;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-portfolios-'));
  root = new Level<string, unknown>(path.join(dir, 'db'), { valueEncoding: 'json' });
  await root.open();
});
afterEach(async () => {
  await root.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const portfolio = (requester: string, name: string): Portfolio => ({
  requester, portfolio: name, modelVersion: 'm1', sealingKey: 'ab'.repeat(32), sealingKeySignature: 'cd'.repeat(64), createdMs: 1, createIndex: 3,
});
const item = (subject: string, status: PortfolioItem['status'] = 'active'): PortfolioItem => ({
  subject, consent: '{}', consentId: `c-${subject}`, consentValidUntilMs: 2e12, instruction: '{}', signature: 'ee'.repeat(64), instructionTime: 10, addedMs: 10, addIndex: 4, status,
  last: { runId: 'r1', asOf: '2026-01', points: 600, grade: 'BBB', warning: 'none', modelVersion: 'm1' },
});

describe('portfolio store', () => {
  it('creates, refuses a duplicate or a bad name, lists per requester', async () => {
    const s = new PortfolioStore(root);
    await s.create(portfolio('bank-a', 'sme-loans'));
    await s.create(portfolio('bank-a', 'retail'));
    await s.create(portfolio('bank-b', 'sme-loans'));
    await expect(s.create(portfolio('bank-a', 'sme-loans'))).rejects.toMatchObject({ code: 'PORTFOLIO_ITEM_EXISTS' });
    await expect(s.create(portfolio('bank-a', 'SME loans'))).rejects.toThrow(/not 1-32 lowercase letters/);
    expect((await s.list('bank-a')).map((p) => p.portfolio)).toEqual(['retail', 'sme-loans']);
    expect(await s.list()).toHaveLength(3);
    await expect(s.require('bank-b', 'retail')).rejects.toMatchObject({ code: 'PORTFOLIO_NOT_FOUND' });
  });

  it('pages items in subject order, filters, skips removed ones in a run, and counts', async () => {
    const s = new PortfolioStore(root);
    const subjects = Array.from({ length: 25 }, (_, i) => `91330100MA${String(i).padStart(7, '0')}X`);
    await s.putItems('bank-a', 'p', [...subjects].reverse().map((x, i) => item(x, i % 10 === 0 ? 'skipped:CONSENT_EXPIRED' : 'active')));
    await s.putItems('bank-b', 'p', [item('OTHER')]);
    const first = await s.page('bank-a', 'p', { size: 10 });
    expect(first.items.map((i) => i.subject)).toEqual(subjects.slice(0, 10));
    const second = await s.page('bank-a', 'p', { size: 10, after: first.next! });
    expect(second.items.map((i) => i.subject)).toEqual(subjects.slice(10, 20));
    const third = await s.page('bank-a', 'p', { size: 10, after: second.next! });
    expect(third.items).toHaveLength(5);
    expect(third.next).toBeUndefined();
    expect((await s.page('bank-a', 'p', { filter: (i) => i.status !== 'active' })).items).toHaveLength(3);
    await expect(s.page('bank-a', 'p', { size: 1001 })).rejects.toThrow(/page size must be 1 to 1000/);

    const gone = removedItem((await s.item('bank-a', 'p', subjects[0]!))!, { text: '{"op":"remove"}', signature: 'ff', time: 20 });
    expect(gone.last).toBeUndefined();
    await s.putItems('bank-a', 'p', [gone]);
    const run: string[] = [];
    for await (const i of s.active('bank-a', 'p')) run.push(i.subject);
    expect(run).toEqual(subjects.slice(1));
    expect(await s.counts('bank-a', 'p')).toEqual({ items: 24, active: 21, skipped: 3, removed: 1 });
  });

  it('shares the monitoring sublevel with the event store without overlapping keys', async () => {
    const s = new PortfolioStore(root);
    const events = new EventStore(root);
    await s.create(portfolio('bank-a', 'p'));
    const b = await events.prepare({ requester: 'bank-a', portfolio: 'p' }, [{ kind: 'skip', portfolio: 'p', runId: 'r', timeMs: 1 }]);
    await root.batch([...b.ops, s.itemOp('bank-a', 'p', item('X'))], { sync: true });
    b.commit();
    expect(await s.list('bank-a')).toHaveLength(1);
    expect((await s.page('bank-a', 'p')).items.map((i) => i.subject)).toEqual(['X']);
    expect(await events.newest({ requester: 'bank-a', portfolio: 'p' })).toBe(1n);
  });
});
