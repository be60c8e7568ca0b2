/**
 * Which id type a job aligns on, from what the nodes hold (alignment/id-choice.ts): one type
 * per federation, and a refusal that names who holds what and what to pass.
 */
import { describe, expect, it } from 'vitest';
import { chooseIdType, type HeldIds } from '../../alignment/id-choice.js';
import { FedcreditError } from '../../lib/errors.js';

const codes = (site: string, source = 'records'): HeldIds => ({ site, idFormat: 'credit-code', source });
const free = (site: string): HeldIds => ({ site, idFormat: 'any', source: 'table' });
const refusal = (f: () => unknown): FedcreditError => {
  try {
    f();
  } catch (err) {
    return err as FedcreditError;
  }
  throw new Error('expected a refusal');
};

describe('choosing the id type', () => {
  it('defaults to what every node holds', () => {
    expect(chooseIdType(undefined, [codes('bank'), codes('tax'), codes('power', 'table')])).toBe('credit-code');
    expect(chooseIdType(undefined, [free('bank'), free('tax'), free('power')])).toBe('any');
  });

  it('takes any for every node when asked, credit codes included', () => {
    expect(chooseIdType('any', [free('bank'), codes('tax'), codes('power')])).toBe('any');
  });

  it('refuses a mix without a type, naming who holds what and what to pass', () => {
    const err = refusal(() => chooseIdType(undefined, [free('bank'), codes('tax'), codes('power')]));
    expect(err).toBeInstanceOf(FedcreditError);
    expect(err.code).toBe('ID_TYPE_MISMATCH');
    expect(err.message).toBe('the sites hold different id types: bank holds free-form ids (feature table), tax holds credit codes (site records), '
      + "power holds credit codes (site records); align them with --id-type any, or ingest bank's table with --id-format credit-code if those ids are credit codes");
  });

  it('refuses credit-code when a node holds free-form ids', () => {
    const err = refusal(() => chooseIdType('credit-code', [free('bank'), free('tax'), codes('power')]));
    expect(err.code).toBe('ID_TYPE_MISMATCH');
    expect(err.message).toMatch(/^the job aligns credit codes \(--id-type credit-code\) but bank holds free-form ids .*ingest bank's and tax's tables with --id-format credit-code/);
    expect(err.message).not.toMatch(/Run it again/);
  });
});
