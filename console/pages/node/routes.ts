/**
 * The node console's routes (owner: cnode), docs/design/console.md 4.2. Every view is a read
 * with the site operator's certificate; the upload (PUT/POST /ingests) is the one action and
 * needs an admin account. The order of the `nav` routes is the header menu's.
 */
import type { Route } from '../../http/router.js';
import { alarmsView, catalogueView, dashboard, policyView, tablesView } from './views.js';
import { ingestsView, postUpload, progressEvents, putUpload, resultView, uploadForm } from './ingests.js';
import { driftView, servedView } from './served.js';

const node = ['node'] as const;

export const routes: Route[] = [
  { method: 'GET', path: '/', kinds: node, access: 'viewer', nav: 'common.nav.dashboard', handle: dashboard },
  { method: 'GET', path: '/tables', kinds: node, access: 'viewer', nav: 'node.nav.tables', handle: tablesView },
  { method: 'GET', path: '/catalogue', kinds: node, access: 'viewer', nav: 'node.nav.catalogue', handle: catalogueView },
  { method: 'GET', path: '/ingests', kinds: node, access: 'viewer', nav: 'node.nav.ingests', handle: ingestsView },
  { method: 'GET', path: '/ingests/new', kinds: node, access: 'admin', nav: 'node.nav.upload', handle: uploadForm },
  { method: 'PUT', path: '/ingests', kinds: node, access: 'admin', handle: putUpload },
  { method: 'POST', path: '/ingests', kinds: node, access: 'admin', handle: postUpload },
  { method: 'GET', path: '/ingests/current/events', kinds: node, access: 'viewer', handle: progressEvents },
  { method: 'GET', path: '/ingests/result/:id', kinds: node, access: 'viewer', handle: resultView },
  { method: 'GET', path: '/policy', kinds: node, access: 'viewer', nav: 'node.nav.policy', handle: policyView },
  { method: 'GET', path: '/served', kinds: node, access: 'viewer', nav: 'node.nav.served', handle: servedView },
  { method: 'GET', path: '/alarms', kinds: node, access: 'viewer', nav: 'node.nav.alarms', handle: alarmsView },
  { method: 'GET', path: '/drift', kinds: node, access: 'viewer', nav: 'node.nav.drift', handle: driftView },
];
