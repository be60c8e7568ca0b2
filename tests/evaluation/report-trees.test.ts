/**
 * The model report's boosted-trees part (evaluation/report-html/trees.ts): what `fedcredit model
 * show --html` and the coordinator console's model page show of a boosted-trees or fusion model.
 * The bank's lines are made by models/trees/report-text.ts's own `bankDescribed`, so a change of
 * their wording that the page no longer reads fails here. The file is opened in Debian's
 * Chromium (screenshots under test-output/screenshots/report/).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bankDescribed } from '../../models/trees/report-text.js';
import { modelReportFile, modelReportBody, type ReportedModel } from '../../evaluation/report-html/model-file.js';
import { REPORT_LOCALES, reportMessage } from '../../evaluation/report-html/messages.js';
import { treesAucChart, treesReportOf } from '../../evaluation/report-html/trees.js';
import { HAVE_CHROMIUM, openReportFile } from './report-browser.js';
import { v3Report } from './fixture.js';

const SHOTS = path.resolve('test-output/screenshots/report');
const AUCS = [0.61, 0.7012, 0.7433, 0.7391, 0.7388];

function treesModel(kind = 'boosted-trees'): ReportedModel {
  const trees = [
    { tree: 0, splits: [{ owner: 'bank', slot: 0, gain: 4.5 }, { owner: 'bank', slot: 1, gain: 1.25 }], leaves: [1, 2, 3] },
    { tree: 1, splits: [{ owner: 'tax', slot: 3, gain: 3 }, { owner: 'bank', slot: 0, gain: 0.5 }, { owner: 'power', slot: 0, gain: 2 }], leaves: [1, 2, 3, 4] },
    { tree: 2, splits: [{ owner: 'tax', slot: 1, gain: 1.5 }], leaves: [1, 2] },
  ];
  return {
    modelVersion: 'm4', kind, purpose: 'credit-assessment', alignmentId: 'a1',
    sites: [
      { site: 'bank', role: 'bank', transforms: bankDescribed('bank', ['bank_balance', 'bank_<b>late</b>'], trees) },
      { site: 'tax', role: 'passive', transforms: [{ feature: 'tax_paid', steps: [] }, { feature: 'tax_arrears', steps: [] }, { feature: 'tax_rating', steps: [] }] },
      { site: 'power', role: 'passive', transforms: [{ feature: 'power_kwh', steps: [] }] },
    ],
    metrics: { aucHistory: AUCS, report: JSON.parse(JSON.stringify(v3Report())) },
  };
}

describe('the report of a boosted-trees model', () => {
  it('reads AUC per tree, the kept trees, the bank\'s per-tree lines and importance, and each passive site\'s feature count', () => {
    const r = treesReportOf(treesModel())!;
    expect(r.kept).toBe(3);
    expect(r.trees).toEqual([
      { tree: 0, gain: 5.75, splits: 2, leaves: 3 },
      { tree: 1, gain: 5.5, splits: 3, leaves: 4 },
      { tree: 2, gain: 1.5, splits: 1, leaves: 2 },
    ]);
    // Highest gain first; a passive site's splits only as "<site> feature".
    expect(r.importance).toEqual([
      { feature: 'bank_balance', splits: 2, gain: 5 },
      { feature: 'tax feature', splits: 2, gain: 4.5 },
      { feature: 'power feature', splits: 1, gain: 2 },
      { feature: 'bank_<b>late</b>', splits: 1, gain: 1.25 },
    ]);
    expect(r.passives).toEqual([{ site: 'tax', features: 3 }, { site: 'power', features: 1 }]);
    expect(treesReportOf({ ...treesModel(), kind: 'lr' })).toBeUndefined();
    expect(treesReportOf({ ...treesModel(), metrics: { aucHistory: ['x'] } })).toBeUndefined();
    const chart = treesAucChart(r, 'en');
    expect(chart.table.rows).toEqual(AUCS.map((a, i) => [String(i), a.toFixed(4), i < 3 ? 'yes' : 'no']));
  });

  for (const locale of REPORT_LOCALES) {
    it(`${locale}: the page has the trees section, escaped, no passive feature name, and Chromium shows it`, async () => {
      const body = modelReportBody(treesModel(), locale)!;
      expect(body).toContain('data-section="trees"');
      expect(body).toContain(reportMessage(locale, 'section.importance'));
      expect(body).toContain('bank_&lt;b&gt;late&lt;/b&gt;');
      expect(body).not.toContain('<b>late');
      // The passive sites' own features are never named in the bank's lines, nor here.
      for (const f of ['tax_paid', 'tax_arrears', 'power_kwh']) expect(body).not.toContain(f);
      expect(body).toContain(reportMessage(locale, 'treesPassive', { site: 'tax', count: 3 }));
      expect(body).not.toMatch(/\b(chart|axis|col|section|meta|compare)\.[a-zA-Z]+/);
      // An LR model's page has none of it.
      expect(modelReportBody({ ...treesModel(), kind: 'lr' }, locale)).not.toContain('data-section="trees"');

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-report-trees-'));
      const file = path.join(dir, `trees.${locale}.html`);
      fs.writeFileSync(file, modelReportFile(treesModel(), locale)!);
      if (!HAVE_CHROMIUM) return;
      const opened = await openReportFile(file, path.join(SHOTS, `trees.${locale}.png`), locale === 'zh-CN' ? 'zh-CN' : 'en-US');
      expect(opened.foreign).toEqual([]);
      const auc = opened.images.find((i) => i.alt === treesAucChart(treesReportOf(treesModel())!, locale).alt);
      expect(auc?.naturalWidth).toBeGreaterThan(0);
      expect(opened.text).toContain(reportMessage(locale, 'section.trees'));
      expect(opened.text).toContain('tax feature');
      fs.rmSync(dir, { recursive: true, force: true });
    }, 120_000);
  }

  it('a fusion model\'s page adds the comparison the caller gives, kinds in the page\'s language', () => {
    const compared = [
      { label: 'fusion', model: 'm4', auc: 0.7433, ks: 0.41, basis: 'federated (this model)' },
      { label: 'boosted trees', model: '-', auc: null, ks: null, basis: 'left out: no boosted-trees model on alignment a1' },
      { label: 'bank-only', model: 'm4 bank-only', auc: 0.6, ks: 0.2, basis: 'trained in the clear at the bank on its own data only' },
    ];
    const body = modelReportBody(treesModel('fusion'), 'zh-CN', { compared })!;
    expect(body).toContain(reportMessage('zh-CN', 'section.comparison'));
    expect(body).toContain('<td>融合模型</td><td>m4</td><td>0.743</td>');
    expect(body).toContain('<td>梯度提升树</td><td>-</td><td>—</td><td>—</td><td>未列入：此对齐上没有该类模型（用 --model boosted-trees 在其上训练一个）</td>');
    expect(body).toContain('<td>仅银行模型</td><td>m4 bank-only</td><td>0.600</td><td>0.200</td><td>银行仅用自有数据以明文训练</td>');
    expect(modelReportBody(treesModel('fusion'), 'zh-CN')).not.toContain(reportMessage('zh-CN', 'section.comparison'));
  });
});
