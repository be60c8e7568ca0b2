/**
 * The auditor console's routes (owner: caudit). The skeleton's placeholder dashboard: replace it with
 * the real views of docs/design/console.md section 4; add strings to console/i18n/messages/auditor.ts.
 */
import { html } from '../../http/html.js';
import type { Route } from '../../http/router.js';
import { page } from '../layout.js';
import { welcomeNotice } from '../auth.js';

export const routes: Route[] = [
  {
    method: 'GET', path: '/', kinds: ['auditor'], access: 'viewer', nav: 'common.nav.dashboard',
    handle: async (ctx) => page(ctx, 'auditor.dashboard.title', html`${welcomeNotice(ctx)}<div class="card" data-placeholder="auditor"><p>${ctx.t('common.placeholder')}</p></div>`),
  },
];
