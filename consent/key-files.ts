/**
 * Files of the enterprise's and the registrar's tools: private keys (PKCS#8 PEM, owner-only,
 * never overwritten), public records (canonical JSON plus a newline, never overwritten either:
 * a consent or a binding someone else already holds must not silently change on disk).
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateIdentity, identityFromPem, type Identity } from '../crypto/identity.js';
import { FedcreditError } from '../lib/errors.js';

/** Creates a new key file (mode 0600 in a 0700 folder if it creates one); refuses to replace one. */
export function createKeyFile(file: string): Identity {
  const identity = generateIdentity();
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  try {
    // 'wx': an existing key is someone's identity; replacing it would orphan every binding and consent.
    fs.writeFileSync(file, identity.toPem(), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new FedcreditError('BAD_REQUEST', `${file} already exists; it holds a key that may already be registered. Use another --out, or move the old key away first`);
    }
    throw err;
  }
  return identity;
}

/** Reads a private key file, refusing one other users can read (they could sign as its owner). */
export function readKeyFile(file: string, what: string): Identity {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new FedcreditError('NOT_FOUND', `${what} ${file} does not exist; create it with \`fedcredit ${what.startsWith('registrar') ? 'registrar' : 'consent'} keygen\``);
  }
  if ((stat.mode & 0o077) !== 0 && process.platform !== 'win32') {
    throw new FedcreditError('BAD_REQUEST', `${what} ${file} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); run chmod 600 ${file}`);
  }
  try {
    return identityFromPem(fs.readFileSync(file, 'utf8'));
  } catch {
    throw new FedcreditError('BAD_REQUEST', `${file} is not an Ed25519 private key in PEM form; pass the .key file keygen wrote`);
  }
}

/** Writes a record's text plus a newline; refuses to replace an existing file. */
export function writeRecordFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  try {
    fs.writeFileSync(file, `${text}\n`, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new FedcreditError('BAD_REQUEST', `${file} already exists; choose another --out (records are never overwritten)`);
    throw err;
  }
}

export function readRecordFile(file: string, what: string): Uint8Array {
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch {
    throw new FedcreditError('NOT_FOUND', `${what} ${file} cannot be read; check the path`);
  }
}

/**
 * Refuses to sign for `subject` with a key that `consent keygen` made for another enterprise:
 * such a consent would only be refused later as CONSENT_KEY_NOT_BOUND. Reads the
 * enterprise.json beside the key, if there is one.
 */
export function checkKeySubject(keyFile: string, identity: Identity, subject: string): void {
  const publicFile = path.join(path.dirname(keyFile), 'enterprise.json');
  if (!fs.existsSync(publicFile)) return;
  let info: { subject?: unknown; enterpriseKey?: unknown };
  try {
    info = JSON.parse(fs.readFileSync(publicFile, 'utf8')) as typeof info;
  } catch {
    return; // not ours to judge: the binding check at verification time decides
  }
  if (info.enterpriseKey === Buffer.from(identity.publicKey).toString('hex') && info.subject !== subject) {
    throw new FedcreditError('BAD_REQUEST', `${keyFile} is the key of ${String(info.subject)}, not ${subject}; pass that enterprise's key or its own --subject`);
  }
}
