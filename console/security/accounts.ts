/**
 * Local console accounts (docs/design/console.md 3.1) in `<data>/users.json` (0600, folder
 * 0700, checked at start). Passwords are hashed with scrypt N=2^17, r=8, p=1 (OWASP's
 * minimum; ~128 MiB and a few hundred ms each), compared in constant time. An unknown or
 * disabled name is checked against a dummy hash, so the time taken does not tell which names
 * exist. At most 2 hashes run at once and 8 wait; more is refused (503) rather than letting a
 * flood of sign-ins take the host's memory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { FedcreditError } from '../../lib/errors.js';

export type AccountRole = 'admin' | 'viewer';

export interface Account {
  name: string;
  role: AccountRole;
  /** `scrypt$<log2 N>$<r>$<p>$<salt b64>$<key b64>`. */
  hash: string;
  created: string;
  disabled: boolean;
}

export const USERS_FILE = 'users.json';
export const ACCOUNT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const PASSWORD_MIN_BYTES = 12;
export const PASSWORD_MAX_BYTES = 256;
const LOG2_N = 17;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const MAX_HASHING = 2;
const MAX_WAITING = 8;

export class HashBusyError extends Error {
  override name = 'HashBusyError';
}

function scryptAsync(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** log2N;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, { N, r, p, maxmem: 256 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  checkPassword(password);
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, LOG2_N, R, P);
  return `scrypt$${LOG2_N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export function checkPassword(password: string): void {
  const bytes = Buffer.byteLength(password.normalize('NFKC'));
  if (bytes < PASSWORD_MIN_BYTES || bytes > PASSWORD_MAX_BYTES) {
    throw new FedcreditError('BAD_REQUEST', `a console password must be ${PASSWORD_MIN_BYTES} to ${PASSWORD_MAX_BYTES} bytes long (this one is ${bytes}); a passphrase of a few words is easiest`);
  }
}

/** Whether `password` matches `hash` (false for a malformed hash, never an exception). */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const m = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(hash);
  if (!m) return false;
  const expected = Buffer.from(m[5]!, 'base64');
  const key = await scryptAsync(password, Buffer.from(m[4]!, 'base64'), Number(m[1]), Number(m[2]), Number(m[3]));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

function usersPath(dataDir: string): string {
  return path.join(dataDir, USERS_FILE);
}

/**
 * Refuses a data folder or users.json others can read: the hashes are offline-guessable. Makes
 * the folder (0700) when it is missing.
 */
export function checkDataFolder(dataDir: string): void {
  if (!fs.existsSync(dataDir)) fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const dirMode = fs.statSync(dataDir).mode & 0o777;
  if ((dirMode & 0o077) !== 0) {
    throw new FedcreditError('CONFIG_INVALID', `${dataDir} is open to other users (mode ${dirMode.toString(8)}): run \`chmod 700 ${dataDir}\``);
  }
  const file = usersPath(dataDir);
  if (fs.existsSync(file)) {
    const mode = fs.statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) throw new FedcreditError('CONFIG_INVALID', `${file} is readable by other users (mode ${mode.toString(8)}): run \`chmod 600 ${file}\``);
  }
}

export function readAccounts(dataDir: string): Account[] {
  const file = usersPath(dataDir);
  if (!fs.existsSync(file)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FedcreditError('CONFIG_INVALID', `${file} is not JSON (${(err as Error).message}): restore it from a backup or remove it and add the accounts again`);
  }
  if (!Array.isArray(parsed)) throw new FedcreditError('CONFIG_INVALID', `${file} must hold a JSON array of accounts`);
  return parsed.map((a: Partial<Account>, i) => {
    if (typeof a.name !== 'string' || (a.role !== 'admin' && a.role !== 'viewer') || typeof a.hash !== 'string') {
      throw new FedcreditError('CONFIG_INVALID', `${file}: account ${i + 1} lacks a name, a role (admin|viewer) or a hash`);
    }
    return { name: a.name, role: a.role, hash: a.hash, created: String(a.created ?? ''), disabled: a.disabled === true };
  });
}

export function writeAccounts(dataDir: string, accounts: readonly Account[]): void {
  checkDataFolder(dataDir);
  const file = usersPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(accounts, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Checks sign-ins against users.json (re-read when it changes, so `console user` applies at once). */
export class AccountStore {
  private hashing = 0;
  private readonly queue: (() => void)[] = [];
  private dummy: Promise<string> | undefined;
  private cache: { mtimeMs: number; accounts: Account[] } | undefined;

  constructor(private readonly dataDir: string) {}

  accounts(): Account[] {
    const file = usersPath(this.dataDir);
    const mtimeMs = fs.existsSync(file) ? fs.statSync(file).mtimeMs : -1;
    if (!this.cache || this.cache.mtimeMs !== mtimeMs) this.cache = { mtimeMs, accounts: readAccounts(this.dataDir) };
    return this.cache.accounts;
  }

  /** Computes the dummy hash ahead, so the first unknown name costs no more than a known one. */
  warmUp(): Promise<string> {
    this.dummy ??= hashPassword(randomBytes(18).toString('base64'));
    return this.dummy;
  }

  /** The account if the password is right and it is enabled; undefined otherwise. Throws HashBusyError when saturated. */
  async check(name: string, password: string): Promise<Account | undefined> {
    const account = this.accounts().find((a) => a.name === name);
    const usable = Buffer.byteLength(password) <= PASSWORD_MAX_BYTES * 4;
    const hash = account && !account.disabled ? account.hash : await this.warmUp();
    const release = await this.acquire();
    try {
      const ok = await verifyPassword(usable ? password : '', hash);
      return ok && usable && account && !account.disabled ? account : undefined;
    } finally {
      release();
    }
  }

  private async acquire(): Promise<() => void> {
    if (this.hashing >= MAX_HASHING) {
      if (this.queue.length >= MAX_WAITING) throw new HashBusyError('too many sign-ins being checked');
      await new Promise<void>((resolve) => this.queue.push(resolve));
    }
    this.hashing++;
    return () => {
      this.hashing--;
      this.queue.shift()?.();
    };
  }
}
