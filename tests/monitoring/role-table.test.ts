/**
 * The role rows of post-loan monitoring (lib/rpc-roles.ts; docs/design/monitoring.md sections
 * 1 and 9), checked in process against the loaded proto: every method of Monitoring and
 * NodeMonitoring has a row, the rows are the design's, and the guard applies them (a site or an
 * auditor never reaches Monitoring, a requester never reaches a node, a node's drift bins are
 * its own operator's). tests/security/roles.test.ts checks the same over TLS once the services
 * are served; until then it checks they answer UNIMPLEMENTED.
 */
import { describe, expect, it } from 'vitest';
import { loadProto } from '../../lib/grpc.js';
import { checkCaller, NOT_YET_SERVED, ruleFor } from '../../lib/rpc-roles.js';
import { PARTY_ROLES, type PartyIdentity } from '../../lib/federation-ca.js';

const methodsOf = (service: 'Monitoring' | 'NodeMonitoring'): string[] =>
  Object.keys((loadProto().fedcredit.v1[service] as unknown as { service: Record<string, unknown> }).service);

const coordinator: PartyIdentity = { role: 'coordinator', name: 'coordinator' };
const tax: PartyIdentity = { role: 'site', name: 'tax' };

describe('monitoring role rows', () => {
  it('every method of the two services has a row, and only those', () => {
    expect(methodsOf('Monitoring').sort()).toEqual(['CreatePortfolio', 'GetRescoreReceipt', 'GetRunReport', 'ListPortfolio', 'ListPortfolios', 'ListRuns', 'StartRun', 'UpdatePortfolio', 'Watch']);
    expect(methodsOf('NodeMonitoring').sort()).toEqual(['FinishRun', 'GetDriftStatus', 'Rescore', 'StoreItems']);
    for (const s of ['Monitoring', 'NodeMonitoring'] as const) for (const m of methodsOf(s)) expect(ruleFor(s, m), `${s}.${m}`).toBeDefined();
    // Served one at a time (NodeMonitoring: monitoring/node.ts); what is left unserved is among these.
    for (const s of NOT_YET_SERVED) expect(['Monitoring', 'NodeMonitoring']).toContain(s);
  });

  it('are the design\'s rows', () => {
    const rows = Object.fromEntries(methodsOf('Monitoring').map((m) => [m, ruleFor('Monitoring', m)]));
    expect(rows).toEqual({
      CreatePortfolio: { requester: 'any' }, UpdatePortfolio: { requester: 'any' }, ListPortfolios: { requester: 'any', operator: 'self' },
      ListPortfolio: { requester: 'any' }, StartRun: { operator: 'self', requester: 'any' }, ListRuns: { operator: 'self', requester: 'any' },
      GetRunReport: { operator: 'self', requester: 'any' }, Watch: { requester: 'any' }, GetRescoreReceipt: { requester: 'any' },
    });
    for (const m of ['StoreItems', 'Rescore', 'FinishRun']) expect(ruleFor('NodeMonitoring', m), m).toEqual({ coordinator: 'any' });
    expect(ruleFor('NodeMonitoring', 'GetDriftStatus')).toEqual({ operator: 'self' });
  });

  it('sites and auditors never reach Monitoring; requesters never reach a node', () => {
    for (const m of methodsOf('Monitoring')) {
      for (const caller of [{ role: 'site', name: 'tax' }, { role: 'auditor', name: 'auditor-1' }, { role: 'coordinator', name: 'coordinator' }] as PartyIdentity[]) {
        expect(checkCaller('Monitoring', m, caller, coordinator)?.code, `${caller.role} -> Monitoring.${m}`).toBe('ROLE_NOT_ALLOWED');
      }
      expect(checkCaller('Monitoring', m, { role: 'requester', name: 'bank-a' }, coordinator), m).toBeUndefined();
    }
    for (const m of methodsOf('NodeMonitoring')) {
      const refused = PARTY_ROLES.filter((role) => checkCaller('NodeMonitoring', m, { role, name: role === 'operator' ? 'tax' : 'x' }, tax) !== undefined);
      expect(refused, m).toContain('requester');
      expect(refused, m).toContain('auditor');
      expect(refused, m).toContain('site');
    }
  });

  it('a node\'s drift status is its own operator\'s, and a run is started by the coordinator\'s own operator', () => {
    expect(checkCaller('NodeMonitoring', 'GetDriftStatus', { role: 'operator', name: 'tax' }, tax)).toBeUndefined();
    expect(checkCaller('NodeMonitoring', 'GetDriftStatus', { role: 'operator', name: 'power' }, tax)?.code).toBe('IDENTITY_MISMATCH');
    expect(checkCaller('NodeMonitoring', 'GetDriftStatus', coordinator, tax)?.code).toBe('ROLE_NOT_ALLOWED');
    expect(checkCaller('Monitoring', 'StartRun', { role: 'operator', name: 'tax' }, coordinator)?.code).toBe('IDENTITY_MISMATCH');
    expect(checkCaller('Monitoring', 'StartRun', { role: 'operator', name: 'coordinator' }, coordinator)).toBeUndefined();
  });
});
