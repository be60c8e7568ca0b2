/**
 * GET / of the bank console (docs/design/console.md 4.3): its recent queries and refusals (its
 * own log entries, Scoring.ListRequesterEntries) and the items of its portfolios with a red or
 * yellow warning (Monitoring.ListPortfolio with the warning filter).
 */
import { html } from '../../http/html.js';
import type { RequestContext, Response, Route } from '../../http/router.js';
import { page } from '../layout.js';
import { welcomeNotice } from '../auth.js';
import { entriesTable, listEntries, warningLabel } from './entries.js';
import { portfolioItems } from './portfolios.js';

const RECENT = 10;

async function dashboard(ctx: RequestContext): Promise<Response> {
  const { t, fmt } = ctx;
  const m = ctx.clients.monitoring;
  const [queries, refusals, portfolios] = await Promise.all([
    listEntries(ctx, { kinds: ['query'], pageSize: RECENT }),
    listEntries(ctx, { kinds: ['refusal'], pageSize: RECENT }),
    ctx.clients.call(m, m.ListPortfolios, {}),
  ]);
  const warned = (await Promise.all(portfolios.portfolios.map(async (p) => {
    const [red, yellow] = await Promise.all([portfolioItems(ctx, p.portfolio, 'red'), portfolioItems(ctx, p.portfolio, 'yellow')]);
    return [...red, ...yellow].map((item) => ({ portfolio: p.portfolio, item }));
  }))).flat();
  const redCount = warned.filter((w) => w.item.last?.warning === 'red').length;
  return page(ctx, 'bank.dashboard.title', html`${welcomeNotice(ctx)}
<div class="grid">
<div class="card"><div class="figure">${fmt.count(queries.entries.length)}</div><div class="figure-label">${t('bank.dashboard.queries24h')}</div></div>
<div class="card"><div class="figure">${fmt.count(refusals.entries.length)}</div><div class="figure-label">${t('bank.dashboard.refusals24h')}</div></div>
<div class="card"><div class="figure">${fmt.count(portfolios.portfolios.length)}</div><div class="figure-label">${t('bank.dashboard.portfolios')}</div></div>
<div class="card"><div class="figure level-red">${fmt.count(redCount)}</div><div class="figure-label">${t('bank.dashboard.red')}</div></div>
</div>
<section data-recent-queries><h2>${t('bank.dashboard.recentQueries')}</h2>${entriesTable(ctx, queries.entries)}</section>
<section data-recent-refusals><h2>${t('bank.dashboard.recentRefusals')}</h2>${entriesTable(ctx, refusals.entries)}</section>
<p><a href="/queries">${t('bank.dashboard.allQueries')}</a></p>
<section data-portfolio-warnings><h2>${t('bank.dashboard.portfolioWarnings')}</h2>
${warned.length === 0 ? html`<p class="muted">${t('bank.dashboard.noWarnings')}</p>` : html`<table class="data"><thead><tr><th>${t('bank.dashboard.portfolios')}</th><th>${t('bank.col.enterprise')}</th><th class="num">${t('bank.col.points')}</th><th>${t('bank.col.grade')}</th><th>${t('bank.col.warning')}</th></tr></thead><tbody>
${warned.slice(0, 50).map((w) => html`<tr><td><a href="/portfolios/${w.portfolio}">${w.portfolio}</a></td><td><code>${w.item.subject}</code></td><td class="num">${w.item.last?.points ?? ''}</td><td>${w.item.last?.grade ?? ''}</td><td>${warningLabel(ctx, w.item.last?.warning ?? 'none')}</td></tr>`)}
</tbody></table>`}
</section>`);
}

export const dashboardRoutes: Route[] = [
  { method: 'GET', path: '/', kinds: ['bank'], access: 'viewer', nav: 'common.nav.dashboard', handle: dashboard },
];
