/**
 * The coordinator console's routes (owner: ccoord; docs/design/console.md 4.1). Every route
 * exists in the coordinator console only; GET routes are the viewer's, the actions (start an
 * alignment, start or resume a training job) the admin's. The coordinator checks the party's
 * certificate on every call as it does for the CLI. /models is creport's (models.ts).
 */
import type { Route } from '../../http/router.js';
import { modelRoutes } from './models.js';
import { alarmsPage, dashboard, logPage, nodesPage } from './status-views.js';
import { alignmentRunEvents, alignmentRunPage, listAlignmentsPage, startAlignment } from './alignments.js';
import { jobEvents, jobPage, listTraining, resumeTraining, startTraining } from './training-views.js';
import { monitoringPage, runPage } from './monitoring.js';

const K = ['coordinator'] as const;

export const routes: Route[] = [
  { method: 'GET', path: '/', kinds: K, access: 'viewer', nav: 'common.nav.dashboard', handle: dashboard },
  { method: 'GET', path: '/nodes', kinds: K, access: 'viewer', nav: 'coordinator.nav.nodes', handle: nodesPage },
  { method: 'GET', path: '/alarms', kinds: K, access: 'viewer', nav: 'coordinator.nav.alarms', handle: alarmsPage },
  { method: 'GET', path: '/log', kinds: K, access: 'viewer', nav: 'coordinator.nav.log', handle: logPage },
  { method: 'GET', path: '/alignments', kinds: K, access: 'viewer', nav: 'coordinator.nav.alignments', handle: listAlignmentsPage },
  { method: 'POST', path: '/alignments', kinds: K, access: 'admin', handle: startAlignment },
  { method: 'GET', path: '/alignments/runs/:run', kinds: K, access: 'viewer', handle: alignmentRunPage },
  { method: 'GET', path: '/alignments/runs/:run/events', kinds: K, access: 'viewer', handle: alignmentRunEvents },
  { method: 'GET', path: '/training', kinds: K, access: 'viewer', nav: 'coordinator.nav.training', handle: listTraining },
  { method: 'POST', path: '/training', kinds: K, access: 'admin', handle: startTraining },
  { method: 'GET', path: '/training/:job', kinds: K, access: 'viewer', handle: jobPage },
  { method: 'GET', path: '/training/:job/events', kinds: K, access: 'viewer', handle: jobEvents },
  { method: 'POST', path: '/training/:job/resume', kinds: K, access: 'admin', handle: resumeTraining },
  ...modelRoutes,
  { method: 'GET', path: '/monitoring', kinds: K, access: 'viewer', nav: 'coordinator.nav.monitoring', handle: monitoringPage },
  { method: 'GET', path: '/monitoring/runs/:id', kinds: K, access: 'viewer', handle: runPage },
];
