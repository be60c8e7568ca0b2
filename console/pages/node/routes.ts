/**
 * The node console's routes (owner: cnode). The skeleton's placeholder dashboard: replace it with
 * the real views of docs/design/console.md section 4; add strings to console/i18n/messages/node.ts.
 */
import { html } from '../../http/html.js';
import type { Route } from '../../http/router.js';
import { page } from '../layout.js';
import { welcomeNotice } from '../auth.js';

export const routes: Route[] = [
  {
    method: 'GET', path: '/', kinds: ['node'], access: 'viewer', nav: 'common.nav.dashboard',
    handle: async (ctx) => page(ctx, 'node.dashboard.title', html`${welcomeNotice(ctx)}<div class="card" data-placeholder="node"><p>${ctx.t('common.placeholder')}</p></div>`),
  },
];
