/**
 * Option parsers for the consent and registrar commands. Each refusal says which option was
 * wrong and what to type instead; commander prints it and exits 1.
 */
import { InvalidArgumentError } from 'commander';
import { isValidPublicKey } from '../crypto/identity.js';
import { OPERATIONS, PURPOSES, type ConsentOperation, type ConsentPurpose, type RequesterIdentity } from './verify.js';
import { subjectProblem } from '../schema/subject.js';
import { SITE_NAME } from '../registration/statement.js';

/** An enterprise: its credit code, or its id as the nodes ingested it (schema/subject.ts). */
export function subject(value: string): string {
  const problem = subjectProblem(value);
  if (problem) throw new InvalidArgumentError(`${problem}; check the enterprise's credit code (or, in a federation aligned with --id-type any, its id as the nodes' tables hold it)`);
  return value;
}

export function publicKeyHex(option: string, value: string): string {
  const hex = value.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex) || !isValidPublicKey(Buffer.from(hex, 'hex'))) {
    throw new InvalidArgumentError(`${option}: '${value.slice(0, 80)}' is not an Ed25519 public key (64 hex characters)`);
  }
  return hex;
}

export function requester(value: string): RequesterIdentity {
  const at = value.lastIndexOf(':');
  if (at <= 0) throw new InvalidArgumentError(`--requester must be NAME:KEYHEX (the bank's name, a colon, its public key in hex), got '${value.slice(0, 80)}'`);
  return { name: value.slice(0, at).trim(), key: publicKeyHex('--requester', value.slice(at + 1)) };
}

export function siteList(option: string) {
  return (value: string): string[] => {
    const sites = value.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = sites.find((s) => !SITE_NAME.test(s));
    if (sites.length === 0 || bad !== undefined) throw new InvalidArgumentError(`${option} must be comma-separated site names (lowercase letters, digits, -), e.g. tax,power,bank; '${bad ?? value}' is not one`);
    return sites;
  };
}

export function operationList(value: string): ConsentOperation[] {
  const ops = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = ops.find((op) => !(OPERATIONS as readonly string[]).includes(op));
  if (ops.length === 0 || bad !== undefined) throw new InvalidArgumentError(`--operations must be comma-separated, of ${OPERATIONS.join(', ')}; '${bad ?? value}' is not one`);
  return ops as ConsentOperation[];
}

export function purpose(value: string): ConsentPurpose {
  if (!(PURPOSES as readonly string[]).includes(value)) throw new InvalidArgumentError(`--purpose must be one of ${PURPOSES.join(', ')}, got '${value}'`);
  return value as ConsentPurpose;
}

export function month(option: string) {
  return (value: string): string => {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) throw new InvalidArgumentError(`${option} must be a month YYYY-MM, got '${value}'`);
    return value;
  };
}

export function intBetween(option: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`${option} must be a whole number from ${min} to ${max}, got '${value}'`);
    return n;
  };
}
