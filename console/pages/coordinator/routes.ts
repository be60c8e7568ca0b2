/**
 * The coordinator console's routes (owner: ccoord). The skeleton's placeholder dashboard: replace it with
 * the real views of docs/design/console.md section 4; add strings to console/i18n/messages/coordinator.ts.
 */
import { html } from '../../http/html.js';
import type { Route } from '../../http/router.js';
import { page } from '../layout.js';
import { welcomeNotice } from '../auth.js';
import { modelRoutes } from './models.js';

export const routes: Route[] = [
  {
    method: 'GET', path: '/', kinds: ['coordinator'], access: 'viewer', nav: 'common.nav.dashboard',
    handle: async (ctx) => page(ctx, 'coordinator.dashboard.title', html`${welcomeNotice(ctx)}<div class="card" data-placeholder="coordinator"><p>${ctx.t('common.placeholder')}</p></div>`),
  },
  ...modelRoutes,
];
