/**
 * The bank console's routes (owner: cbank; docs/design/console.md 4.3). Every list the bank
 * sees is scoped by the coordinator to the console's certificate (requester/<bank>): the
 * console adds no scoping of its own that a bug could widen. Admin-only: scoring and adding
 * to a portfolio (both sign with the bank's key).
 */
import type { Route } from '../../http/router.js';
import { dashboardRoutes } from './dashboard.js';
import { queryRoutes } from './queries.js';
import { scoreRoutes } from './score.js';
import { modelRoutes } from './models.js';
import { portfolioRoutes } from './portfolios.js';

export const routes: Route[] = [...dashboardRoutes, ...queryRoutes, ...scoreRoutes, ...modelRoutes, ...portfolioRoutes];
