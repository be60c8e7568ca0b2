/**
 * /monitoring and /monitoring/runs/:id (docs/design/console.md 4.1, monitoring.md 5.3): the
 * post-loan monitoring runs (Monitoring.ListRuns) and one run's report (GetRunReport): PSI of
 * the run's points against the model's reference with its bins (a bar chart rendered on the
 * server to SVG by evaluation/report-html/render.ts, shown as a data: image, and the same
 * numbers as a table), each site's CSI per feature, warning transitions, grades, skips.
 * Only aggregates: the run report holds no enterprise.
 */
import type { EChartsOption } from 'echarts';
import { html, raw, type Html } from '../../http/html.js';
import type { RequestContext, Response } from '../../http/router.js';
import { page } from '../layout.js';
import { renderSvg, svgDataUrl } from '../../../evaluation/report-html/render.js';
import type { RunSummary__Output } from '../../../proto/gen/fedcredit/v1/RunSummary.js';
import type { PsiFigure__Output } from '../../../proto/gen/fedcredit/v1/PsiFigure.js';
import { facts, listRuns, num, runReport, word } from './reads.js';

const levelClass = (level: string) => (level === 'alarm' ? 'status-bad' : level === 'warn' ? 'status-warn' : level === 'stable' ? 'status-ok' : 'muted');

const driftWord = (ctx: RequestContext, level: string): string => word(ctx, 'coordinator.drift.', level);
const warningWord = (ctx: RequestContext, level: string): string => word(ctx, 'coordinator.warning.', level);

export function runsTable(ctx: RequestContext, runs: readonly RunSummary__Output[]): Html {
  return html`<table class="data" id="runs"><thead><tr><th>${ctx.t('coordinator.mon.run')}</th><th>${ctx.t('coordinator.mon.requester')}</th>
<th>${ctx.t('coordinator.mon.portfolio')}</th><th>${ctx.t('coordinator.mon.model')}</th><th>${ctx.t('coordinator.train.stage')}</th>
<th class="num">${ctx.t('coordinator.mon.items')}</th><th class="num">${ctx.t('coordinator.mon.changed')}</th><th>${ctx.t('coordinator.mon.psi')}</th>
<th>${ctx.t('coordinator.mon.csiMax')}</th><th>${ctx.t('coordinator.train.started')}</th></tr></thead><tbody>
${runs.map((r) => html`<tr data-run="${r.runId}"><td><a href="/monitoring/runs/${encodeURIComponent(r.runId)}"><code>${r.runId}</code></a></td>
<td><code>${r.requester}</code></td><td><code>${r.portfolio}</code></td><td><code>${r.modelVersion}</code></td><td>${r.stage}</td>
<td class="num">${ctx.fmt.count(r.items)}</td><td class="num">${ctx.fmt.count(r.changed)}</td>
<td class="${levelClass(r.psiLevel)}">${r.psiLevel === 'insufficient' || r.psiLevel === '' ? driftWord(ctx, 'insufficient') : html`${ctx.fmt.metric(r.psi)} · ${driftWord(ctx, r.psiLevel)}`}</td>
<td>${r.csiMax.map((c, i) => html`${i > 0 ? html`<br>` : ''}<code>${c.site}</code> <code>${c.feature}</code> <span class="${levelClass(c.level)}">${ctx.fmt.metric(c.csi)}</span>`)}</td>
<td>${ctx.fmt.time(num(r.startedMs))}</td></tr>`)}
</tbody></table>`;
}

export async function monitoringPage(ctx: RequestContext): Promise<Response> {
  const runs = await listRuns(ctx, 100);
  return page(ctx, 'coordinator.mon.title', runs.length === 0 ? html`<p class="muted">${ctx.t('coordinator.mon.none')}</p>` : runsTable(ctx, runs));
}

/** The PSI bins as a bar chart: reference share against this run's share per points bin. */
function psiChart(ctx: RequestContext, psi: PsiFigure__Output): Html {
  const labels = psi.bins.map((b) => `${Math.round(b.from)}–${Math.round(b.to)}`);
  const option: EChartsOption = {
    title: { text: `PSI ${ctx.fmt.metric(psi.value)} · ${driftWord(ctx, psi.level)}`, left: 'center', textStyle: { fontSize: 14 } },
    legend: { top: 28, data: [ctx.t('coordinator.mon.expected'), ctx.t('coordinator.mon.actual')] },
    grid: { left: 56, right: 24, top: 64, bottom: 56 },
    xAxis: { type: 'category', data: labels, name: ctx.t('coordinator.mon.bin'), nameLocation: 'middle', nameGap: 34, axisLabel: { rotate: labels.length > 8 ? 30 : 0 } },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
    series: [
      { type: 'bar', name: ctx.t('coordinator.mon.expected'), data: psi.bins.map((b) => b.expected), itemStyle: { color: '#8aa4c8' } },
      { type: 'bar', name: ctx.t('coordinator.mon.actual'), data: psi.bins.map((b) => b.actual), itemStyle: { color: '#1f5fbf' } },
    ],
  };
  const svg = renderSvg(option, ctx.lang);
  // raw(): a data: URL this code built from an SVG the renderer made (no request data in markup).
  return html`<img class="chart" id="psi-chart" width="640" height="400" alt="${ctx.t('coordinator.mon.psiBins')}" src="${raw(svgDataUrl(svg))}">`;
}

export async function runPage(ctx: RequestContext): Promise<Response> {
  const r = await runReport(ctx, ctx.params['id'] ?? '');
  const psi = r.psi;
  const span = r.log;
  return page(ctx, 'coordinator.mon.runTitle', html`${facts([
    [ctx.t('coordinator.mon.run'), html`<code>${r.runId}</code>`],
    [ctx.t('coordinator.mon.requester'), html`<code>${r.requester}</code>`],
    [ctx.t('coordinator.mon.portfolio'), html`<code>${r.portfolio}</code>`],
    [ctx.t('coordinator.mon.model'), html`<a href="/models/${encodeURIComponent(r.modelVersion)}"><code>${r.modelVersion}</code></a>`],
    [ctx.t('coordinator.mon.trigger'), html`<code>${r.trigger}</code>`],
    [ctx.t('coordinator.mon.asOf'), Object.entries(r.asOf).map(([site, month], i) => html`${i > 0 ? ', ' : ''}<code>${site}</code> ${month}`)],
    [ctx.t('coordinator.train.started'), ctx.fmt.time(num(r.startedMs))],
    [ctx.t('coordinator.mon.items'), `${ctx.fmt.count(r.items)} · ${ctx.t('coordinator.mon.scored')} ${ctx.fmt.count(r.scored)} · ${ctx.t('coordinator.mon.changed')} ${ctx.fmt.count(r.changed)}`],
    span && [ctx.t('coordinator.log.title'), ctx.t('coordinator.mon.logSpan', { first: String(span.firstIndex), last: String(span.lastIndex), count: num(span.entries) })],
    r.timing && [ctx.t('coordinator.mon.runTitle'), ctx.t('coordinator.mon.seconds', { seconds: ctx.fmt.number(r.timing.seconds, 1) })],
  ])}
<h2>${ctx.t('coordinator.mon.psiBins')}</h2>
${!psi || psi.insufficient ? html`<p class="muted" id="psi-insufficient">${driftWord(ctx, 'insufficient')}${psi?.note ? html`: ${psi.note}` : ''}</p>` : html`
${psi.bins.length > 0 ? psiChart(ctx, psi) : ''}
<details><summary>${ctx.t('coordinator.mon.psi')} ${ctx.fmt.metric(psi.value)} · ${driftWord(ctx, psi.level)}</summary>
<table class="data" id="psi-bins"><thead><tr><th>${ctx.t('coordinator.mon.bin')}</th><th class="num">${ctx.t('coordinator.mon.expected')}</th><th class="num">${ctx.t('coordinator.mon.actual')}</th></tr></thead><tbody>
${psi.bins.map((b) => html`<tr><td>${ctx.fmt.number(b.from, 0)}–${ctx.fmt.number(b.to, 0)}</td><td class="num">${ctx.fmt.percent(b.expected)}</td><td class="num">${ctx.fmt.percent(b.actual)}</td></tr>`)}
</tbody></table></details>`}
<h2>${ctx.t('coordinator.mon.csi')}</h2>
${r.csi.length === 0 ? html`<p class="muted">—</p>` : r.csi.map((s) => html`<h3><code>${s.site}</code> · ${word(ctx, 'coordinator.csiState.', s.state)} · ${ctx.t('coordinator.mon.covered')} ${ctx.fmt.count(s.covered)}</h3>
${s.features.length === 0 ? '' : html`<table class="data" data-csi-site="${s.site}"><thead><tr><th>${ctx.t('coordinator.mon.feature')}</th><th class="num">CSI</th><th>${ctx.t('coordinator.mon.level')}</th></tr></thead><tbody>
${[...s.features].sort((a, b) => b.csi - a.csi).map((f) => html`<tr><td><code>${f.feature}</code></td><td class="num">${ctx.fmt.metric(f.csi)}</td><td class="${levelClass(f.level)}">${driftWord(ctx, f.level)}</td></tr>`)}
</tbody></table>`}`)}
<h2>${ctx.t('coordinator.mon.transitions')}</h2>
${r.transitions.length === 0 ? html`<p class="muted">—</p>` : html`<table class="data" id="transitions"><tbody>
${r.transitions.map((tr) => html`<tr><td>${warningWord(ctx, tr.from)} → ${warningWord(ctx, tr.to)}</td><td class="num">${tr.belowMinCell ? html`<span class="muted" title="${ctx.t('coordinator.mon.belowMin')}">&lt;10</span>` : ctx.fmt.count(tr.count)}</td></tr>`)}
</tbody></table>`}
<h2>${ctx.t('coordinator.mon.grades')}</h2>
${r.grades.length === 0 ? html`<p class="muted">—</p>` : html`<table class="data"><tbody>${r.grades.map((g) => html`<tr><td><code>${g.grade}</code></td><td class="num">${ctx.fmt.count(g.count)}</td></tr>`)}</tbody></table>`}
${r.skipped.length === 0 ? '' : html`<h2>${ctx.t('coordinator.mon.skippedBy')}</h2><table class="data"><tbody>${r.skipped.map((s) => html`<tr><td><code>${s.code}</code></td><td class="num">${ctx.fmt.count(num(s.count))}</td></tr>`)}</tbody></table>`}`);
}
