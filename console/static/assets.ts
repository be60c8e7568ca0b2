/**
 * The console's static files as string constants (tsc alone builds them: no bundler), served
 * under names carrying the first 8 hex digits of their SHA-256 (`/static/app.1a2b3c4d.css`),
 * so they can be cached for a year and a new build is never served stale.
 */
import { createHash } from 'node:crypto';
import { APP_CSS } from './app-css.js';
import { LIVE_JS } from './live.js';

export interface StaticAsset {
  name: string;
  contentType: string;
  body: Buffer;
}

function asset(base: string, ext: string, contentType: string, text: string): StaticAsset {
  const body = Buffer.from(text, 'utf8');
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 8);
  return { name: `${base}.${hash}.${ext}`, contentType, body };
}

export const CSS_ASSET = asset('app', 'css', 'text/css; charset=utf-8', APP_CSS);
export const LIVE_ASSET = asset('live', 'js', 'text/javascript; charset=utf-8', LIVE_JS);

const BY_NAME = new Map([CSS_ASSET, LIVE_ASSET].map((a) => [a.name, a]));

export function staticAsset(name: string): StaticAsset | undefined {
  return BY_NAME.get(name);
}

export const CSS_URL = `/static/${CSS_ASSET.name}`;
export const LIVE_URL = `/static/${LIVE_ASSET.name}`;
