/**
 * schema/subject.ts: who a consent, key binding, revocation, score query or log entry may be
 * about. A credit code, or (issue 14) an id of any text as a federation aligned with
 * `--id-type any` ingested it; a mistyped credit code is still refused, not read as another id.
 */
import { describe, expect, it } from 'vitest';
import { generateIdentity } from '../../crypto/identity.js';
import { bindEnterpriseKey, encodeKeyBinding, parseKeyBinding } from '../../consent/binding.js';
import { entryProblem } from '../../log/entries.js';
import { subjectProblem } from '../../schema/subject.js';

describe('subjects', () => {
  it('accepts credit codes and ids as ingested, refuses what no node could hold or a mistyped code', () => {
    for (const ok of ['91350100M000100Y43', '1', '200', '30000', 'c0ffee-7f3a-4b1e', '客户-001', 'a b', 'x'.repeat(256)]) expect(subjectProblem(ok), ok).toBeUndefined();
    expect(subjectProblem('91350100M000100Y40')).toMatch(/check character is '0', expected '3'.*read as a credit code/);
    expect(subjectProblem('91350100M000100YI3')).toMatch(/bad character 'I'/);
    expect(subjectProblem(' 200')).toMatch(/white space/);
    expect(subjectProblem('')).toMatch(/empty/);
    expect(subjectProblem('2\u00000')).toMatch(/control character/);
    expect(subjectProblem('\uD800x')).toMatch(/lone surrogate/);
    expect(subjectProblem('x'.repeat(257))).toMatch(/longer than 256/);
    expect(subjectProblem(200)).toMatch(/must be a string/);
  });

  it('a registrar binds a key to an integer id, the binding parses, and the log takes entries about it', () => {
    const registrar = generateIdentity();
    const binding = bindEnterpriseKey(registrar, '200', generateIdentity().publicKey);
    const parsed = parseKeyBinding(encodeKeyBinding(binding));
    expect(parsed).toMatchObject({ ok: true, value: { subject: '200' } });
    const body = { queryId: 'q-00000001', requester: 'bank-a', subject: '200', consentId: 'c', purpose: 'credit-assessment', model: 'm', sites: ['bank'], time: 1 };
    expect(entryProblem({ v: 1, kind: 'query', body })).toBeUndefined();
    expect(entryProblem({ v: 1, kind: 'query', body: { ...body, subject: '91350100M000100Y40' } })).toMatch(/subject must name an enterprise/);
    expect(() => bindEnterpriseKey(registrar, ' 200', generateIdentity().publicKey)).toThrow(/white space/);
  });
});
