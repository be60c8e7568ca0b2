/**
 * evaluation/report-html/ (docs/design/console.md 6.2): the option builders carry the report's
 * numbers and nothing under minCellSize, the SSR renders SVG without a DOM (and disposes), both
 * locales have every string, and the page/file hold no script, no style attribute, no URL.
 */
import { describe, expect, it } from 'vitest';
import { en, zhCN, reportMessage, REPORT_LOCALES } from '../../evaluation/report-html/messages.js';
import { calibrationChart, gradesChart, histogramChart, ksChart, ksPoint, liftChart, reportCharts, rocChart, woeChart } from '../../evaluation/report-html/options.js';
import { CHART_HEIGHT, CHART_WIDTH, SvgCache, renderChart, renderSvg, svgDataUrl } from '../../evaluation/report-html/render.js';
import { REPORT_FILE_CSP, reportBody, standaloneReportHtml } from '../../evaluation/report-html/report-page.js';
import { SCORECARD, asV2, v3Report } from './fixture.js';

const report = v3Report(2_000, 3, true);
type Series = { type: string; name: string; data: unknown[]; markLine?: { data: { xAxis: number }[] } };
const seriesOf = (o: unknown) => (o as { series: Series[] }).series;

describe('option builders', () => {
  it('ROC: both models\' curves exactly as the report holds them, AUC in the legend, dashed diagonal', () => {
    const c = rocChart(report, 'en')!;
    const s = seriesOf(c.option);
    expect(s[0]!.data).toEqual(report.joint.curves!.roc);
    expect(s[1]!.data).toEqual(report.bankOnly.curves!.roc);
    expect(s[0]!.name).toBe(`joint model (AUC ${report.joint.auc.toFixed(3)})`);
    expect(s[2]!.data).toEqual([[0, 0], [1, 1]]);
    expect((c.option as { animation: boolean }).animation).toBe(false);
    expect(c.table.rows).toHaveLength(report.joint.curves!.roc.length + report.bankOnly.curves!.roc.length);
    expect(c.alt).toContain(report.joint.auc.toFixed(3));
  });

  it('KS: the markLine sits at the largest gap (hand case)', () => {
    const ks = [{ points: 400, cumBad: 0.3, cumGood: 0.1 }, { points: 500, cumBad: 0.7, cumGood: 0.2 }, { points: 600, cumBad: 0.9, cumGood: 0.6 }];
    expect(ksPoint(ks)).toEqual({ points: 500, gap: 0.49999999999999994 });
    const c = ksChart(report, 'joint', 'zh-CN')!;
    const at = ksPoint(report.joint.curves!.ks)!;
    expect(seriesOf(c.option)[0]!.markLine!.data).toEqual([{ xAxis: at.points }]);
    expect(c.title).toBe('KS 曲线：联合模型');
    // The curve's KS is within the threshold grid of the report's exact KS.
    expect(at.gap).toBeLessThanOrEqual(report.joint.ks + 1e-12);
    expect(at.gap).toBeGreaterThan(report.joint.ks - 0.05);
  });

  it('histogram: shares per class, a suppressed bin absent (null), its table cell "—"', () => {
    const c = histogramChart(report, 'joint', 'en')!;
    const h = report.joint.curves!.histogram;
    const [bad, good] = seriesOf(c.option);
    h.bins.forEach((b, i) => {
      if (b.defaulters === null) {
        expect(bad!.data[i]).toBeNull();
        expect(c.table.rows[i]).toEqual([String(b.from), '—', '—']);
      } else {
        expect(bad!.data[i]).toBeCloseTo(b.defaulters / report.joint.positives, 12);
        expect(good!.data[i]).toBeCloseTo(b.others! / report.joint.negatives, 12);
      }
    });
    expect(h.bins.some((b) => b.defaulters === null)).toBe(true);
    const shown = (bad!.data.filter((x) => x !== null) as number[]).reduce((a, x) => a + x, 0);
    expect(shown).toBeLessThanOrEqual(1 + 1e-12);
  });

  it('lift and gain: lift bars, capture line ending at 1, diagonal by enterprises seen', () => {
    const c = liftChart(report, 'bank', 'en')!;
    const [lift, gain, diag] = seriesOf(c.option);
    const l = report.bankOnly.curves!.lift;
    expect(lift!.data).toEqual(l.map((d) => d.lift));
    expect(gain!.data.at(-1)).toBeCloseTo(1, 12);
    expect(diag!.data.at(-1)).toBeCloseTo(1, 12);
    expect(c.id).toBe('lift-bank');
  });

  it('calibration leaves out bins whose rate is withheld; grades and WOE carry the report\'s cells', () => {
    const cal = calibrationChart(report, 'en');
    expect(seriesOf(cal.option)[0]!.data).toEqual(report.joint.calibration.filter((b) => b.observedDefaultRate !== null).map((b) => [b.meanPredictedPd, b.observedDefaultRate]));
    const g = gradesChart(report, 'zh-CN');
    expect(seriesOf(g.option)[0]!.data).toEqual(report.joint.grades.map((x) => x.observedDefaultRate));
    const w = woeChart(SCORECARD.characteristics[0]!, 'en');
    expect(seriesOf(w.option)[0]!.data).toEqual([-0.81, 0.35, 1.2]);
    expect(w.table.rows[0]).toEqual(['bin 1 of 3', '400', '20.0%', '20.0%', '-0.810', '-30.0']);
  });

  it('every chart of a v3 scorecard report; a v2 report has no curve chart', () => {
    expect(reportCharts(report, 'en').map((c) => c.id)).toEqual([
      'roc', 'ks-joint', 'ks-bank', 'calibration', 'histogram-joint', 'histogram-bank', 'lift-joint', 'lift-bank', 'grades', 'woe:tax_paid', 'woe:<script>alert(1)</script>',
    ]);
    expect(reportCharts(asV2(report), 'en').map((c) => c.id)).toEqual(['calibration', 'grades', 'woe:tax_paid', 'woe:<script>alert(1)</script>']);
  });
});

describe('server-side rendering', () => {
  it('renders SVG without a DOM, in both languages, and the process has no chart left', () => {
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    const zh = renderSvg(rocChart(report, 'zh-CN')!.option, 'zh-CN');
    expect(zh.startsWith(`<svg width="${CHART_WIDTH}" height="${CHART_HEIGHT}"`)).toBe(true);
    expect(zh).toContain('ROC 曲线');
    expect(zh).toContain('假正率');
    expect(zh).toContain('Noto Sans CJK SC');
    expect(zh).not.toMatch(/<script|<animate|href="http/);
    const enSvg = renderSvg(rocChart(report, 'en')!.option, 'en');
    expect(enSvg).toContain('False positive rate');
    // Well-formed XML start tags (a browser refuses to decode an ill-formed SVG image): every
    // attribute double-quoted with no quote inside; a name with '&' and '<' is escaped.
    const odd = renderSvg(woeChart({ ...SCORECARD.characteristics[1]!, name: 'a & "b" <c>' }, 'zh-CN').option, 'zh-CN');
    for (const svg of [zh, enSvg, odd]) {
      for (const [tag] of svg.matchAll(/<[a-zA-Z][^>]*>/g)) expect(tag).toMatch(/^<[\w:-]+(\s+[\w:-]+="[^"<]*")*\s*\/?>$/);
    }
    expect(odd).toContain('a &amp; &quot;b&quot; &lt;c&gt;');
    expect(svgDataUrl(zh)).toMatch(/^data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+$/);
  });

  it('caches by model version, chart and locale, least recently used out first', () => {
    const cache = new SvgCache(2);
    const roc = rocChart(report, 'en')!;
    const a = renderChart(roc, 'en', 'm1', cache);
    expect(renderChart(roc, 'en', 'm1', cache)).toBe(a);
    renderChart(roc, 'en', 'm2', cache);
    cache.get('m1\u0000roc\u0000en');
    renderChart(roc, 'en', 'm3', cache);
    expect(cache.size).toBe(2);
    expect(cache.get('m2\u0000roc\u0000en')).toBeUndefined();
    expect(cache.get('m1\u0000roc\u0000en')).toBe(a);
  });
});

describe('messages', () => {
  it('both locales have every string, non-empty, with the same placeholders', () => {
    const keys = Object.keys(en).sort();
    expect(Object.keys(zhCN).sort()).toEqual(keys);
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of keys as (keyof typeof en)[]) {
      expect(zhCN[k].trim(), k).not.toBe('');
      expect(holes(zhCN[k]), k).toEqual(holes(en[k]));
    }
    expect(zhCN['warning.red']).toBe('红色预警');
    expect(reportMessage('en', 'chart.ks', { model: 'x' })).toBe('KS curve: x');
  });
});

describe('the page and the file', () => {
  for (const locale of REPORT_LOCALES) {
    it(`${locale}: escapes names, no script, no style attribute, only data: images, no raw key`, () => {
      const body = reportBody(report, { locale, model: { version: 'm7', kind: 'scorecard', sites: ['bank', 'tax'] } });
      expect(body).not.toMatch(/<script/i);
      expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(body).not.toMatch(/\sstyle=/);
      expect(body).not.toMatch(/https?:/);
      const imgs = [...body.matchAll(/<img src="([^"]+)"[^>]*alt="([^"]+)"/g)];
      expect(imgs).toHaveLength(11);
      for (const [, src] of imgs) expect(src).toMatch(/^data:image\/svg\+xml;base64,/);
      expect(body.match(/<details>/g)).toHaveLength(11);
      expect(body).not.toMatch(/\b(chart|axis|col|section|meta)\.[a-z]+/);
      expect(body).not.toContain(reportMessage(locale, 'needV3'));
    });
  }

  it('a v2 report shows its tables and says charts need format v3', () => {
    const body = reportBody(asV2(report), { locale: 'zh-CN', model: { version: 'm2' } });
    expect(body).toContain('需要 v3 格式的报告：请重新训练模型');
    expect(body).not.toContain('data-chart="roc"');
    expect(body).toContain('data-chart="calibration"');
    expect(body).toContain('红色预警');
  });

  it('the file: charset, its own CSP, inline CSS, no URL and no script', () => {
    const file = standaloneReportHtml(report, { locale: 'en', model: { version: 'm7' } });
    expect(file).toMatch(/^<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">/);
    expect(file).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_FILE_CSP}">`);
    expect(file).not.toMatch(/https?:|<script|<link|src="(?!data:)/i);
  });
});
