/**
 * A console's settings, fixed at start from its command line (console/cli.ts): the kind comes
 * from the certificate in --tls, never from a request.
 */
import type { PartyIdentity } from '../lib/federation-ca.js';
import type { ConsoleKind } from './kinds.js';
import type { Lang } from './i18n/catalogue.js';

export type HttpsMode =
  | { mode: 'cert'; cert: string; key: string }
  | { mode: 'party'; dir: string }
  | { mode: 'proxy' };

export interface ConsoleOptions {
  kind: ConsoleKind;
  /** The certificate's identity: operator/coordinator, operator/<site>, requester/<bank>, auditor/<name>. */
  identity: PartyIdentity;
  tlsDir: string;
  /** HOST:PORT of the party's server (the coordinator, or the site's node). */
  target: string;
  /** The console's own folder: users.json, its LevelDB stores. */
  dataDir: string;
  /** `https://host:port` as browsers reach it: the only Origin a state change may come from. */
  publicOrigin: string;
  listenHost: string;
  listenPort: number;
  https: HttpsMode;
  enterprisePortal: boolean;
  trustedRegistrars?: string;
  /** Bank: the label holder's operator folder, for the reports it may read. */
  operatorTls?: string;
  /** Bank: the folder of its query-signing and sealing keys (as `fedcredit score --keys`). */
  keysDir?: string;
  /** Auditor: the state file of `audit verify` (pinned log key, witnesses). */
  state?: string;
  defaultLang: Lang;
  timeZone: string;
  printLink: boolean;
  /** Largest upload in bytes. */
  maxUpload: number;
}

/** The console kind a certificate's role gives (undefined: no console for that role). */
export function kindOfRole(role: PartyIdentity['role'], name: string): ConsoleKind | undefined {
  if (role === 'operator') return name === 'coordinator' ? 'coordinator' : 'node';
  if (role === 'requester') return 'bank';
  if (role === 'auditor') return 'auditor';
  return undefined;
}
