/**
 * Every page route of the console, from one file per owner (docs/design/console.md section 9):
 * the server mounts those whose `kinds` include its own kind, and the `/e/` routes only with
 * --enterprise-portal. The sign-in routes every console has are added by server.ts (auth.ts).
 */
import type { Route } from '../http/router.js';
import { routes as coordinator } from './coordinator/routes.js';
import { routes as node } from './node/routes.js';
import { routes as bank } from './bank/routes.js';
import { routes as auditor } from './auditor/routes.js';
import { routes as enterprise } from './enterprise/routes.js';

export const PAGE_ROUTES: readonly Route[] = [...coordinator, ...node, ...bank, ...auditor, ...enterprise];

/** Whether a route belongs to the enterprise portal (mounted only with --enterprise-portal). */
export function isPortalRoute(route: Route): boolean {
  return route.path === '/e' || route.path.startsWith('/e/');
}
