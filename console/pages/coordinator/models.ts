/**
 * The coordinator console's /models pages (owner: creport), imported by routes.ts. The
 * skeleton has none yet; strings go to console/i18n/messages/models.ts.
 */
import type { Route } from '../../http/router.js';

export const modelRoutes: Route[] = [];
