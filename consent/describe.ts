/**
 * Human-readable summaries of consent records, for `fedcredit consent show` and the outputs of
 * grant, revoke and bind. Times in UTC ISO 8601; keys shortened to their first 16 hex digits.
 */
import type { Consent, KeyBinding, Revocation } from './verify.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const short = (hex: string): string => `${hex.slice(0, 16)}...`;

export function describeConsent(c: Consent): string[] {
  const days = Math.round((c.validUntil - c.issuedAt) / 86_400_000);
  return [
    `consent ${c.consentId} (v${c.v})`,
    `  enterprise:   ${c.subject}, signed with key ${short(c.signerKey)}`,
    `  requester:    ${c.requester.name} (key ${short(c.requester.key)})`,
    `  data holders: ${c.dataHolders.join(', ')}`,
    `  purpose:      ${c.purpose}`,
    `  scope:        ${c.scope.operations.join(', ')} from ${c.scope.sources.join(', ')}; records ${c.scope.dataWindow.from} to ${c.scope.dataWindow.to}`,
    `  valid:        ${iso(c.issuedAt)} to ${iso(c.validUntil)} (${days} day${days === 1 ? '' : 's'}), at most ${c.maxUses} quer${c.maxUses === 1 ? 'y' : 'ies'}`,
  ];
}

export function describeRevocation(r: Revocation): string[] {
  return [
    `revocation of consent ${r.consentId} (v${r.v})`,
    `  enterprise:   ${r.subject}, signed with key ${short(r.signerKey)}`,
    `  revoked at:   ${iso(r.revokedAt)}`,
  ];
}

export function describeKeyBinding(b: KeyBinding): string[] {
  return [
    `key binding for ${b.subject} (v${b.v})`,
    `  enterprise key: ${b.enterpriseKey}`,
    `  registrar key:  ${b.registrarKey}`,
    `  issued at:      ${iso(b.issuedAt)}`,
  ];
}
