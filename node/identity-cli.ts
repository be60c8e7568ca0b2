/**
 * `fedcredit node rotate-identity`: new identity and sealing keys for a stopped node, with the
 * old identity key's signed word that they replace it (registration/rotation.ts). The node
 * presents the rotation with its next registration; the coordinator logs it as a
 * node-key-rotation entry, which peers and auditors follow. The old private key is destroyed
 * once it has signed: a rotation is also how a node stops trusting a key it fears was copied.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { emit, runCommand } from '../lib/cli-output.js';
import { FedcreditError } from '../lib/errors.js';
import { generateIdentity, identityFromPem } from '../crypto/identity.js';
import { generateX25519KeyPair } from '../crypto/x25519.js';
import { NodeStore } from '../site/store.js';
import { keyFingerprint, keyRotationMessage, PENDING_ROTATION_FILE, readPendingRotation, type PendingRotation } from '../registration/rotation.js';

export function registerIdentityCommands(node: Command): void {
  node.command('rotate-identity')
    .description('new identity and sealing keys for this node, signed over by its old identity key (stop the node first; it registers them on its next start)')
    .requiredOption('--data <dir>', 'the node\'s data folder (the node must not be running)')
    .option('--json', 'print the result as JSON')
    .action((flags: { data: string; json?: boolean }) => runCommand(async () => {
      const result = await rotateIdentity(flags.data);
      emit(Boolean(flags.json), result, () => [
        `site ${result.site}: identity key ${result.previousFingerprint} -> ${result.fingerprint} (signed by the old key; the old private key is deleted)`,
        'start the node: it registers the new keys with the coordinator, which logs the rotation (`fedcredit coordinator nodes` then shows the new fingerprint)',
      ].join('\n'));
    }));
}

export interface RotationResult {
  site: string;
  previousFingerprint: string;
  fingerprint: string;
  pendingFile: string;
}

export async function rotateIdentity(dataDir: string, nowMs = Date.now()): Promise<RotationResult> {
  const identityFile = path.join(dataDir, 'identity.pem');
  const sealingFile = path.join(dataDir, 'sealing.key');
  if (!fs.existsSync(identityFile)) {
    throw new FedcreditError('NOT_FOUND', `${dataDir} holds no identity key (identity.pem), so there is nothing to sign a rotation with; a node whose key is lost re-joins after the coordinator's operator runs \`fedcredit coordinator remove-node SITE --reason ...\``);
  }
  // The store's lock says whether the node runs: a running node would go on signing with the old key.
  let site: string | undefined;
  const store = await NodeStore.open(dataDir);
  try {
    site = (await store.getMeta()).site;
  } finally {
    await store.close();
  }
  if (site === undefined) throw new FedcreditError('NOT_FOUND', `${dataDir} is not a node's folder (its store names no site); give the --data folder the node runs from`);
  const pending = readPendingRotation(dataDir);
  if (pending !== undefined) {
    throw new FedcreditError('BAD_REQUEST', `${dataDir} already holds a rotation to key ${keyFingerprint(pending.identityKey)} that the coordinator has not applied yet; start the node once so it registers it, then rotate again`);
  }
  const previous = identityFromPem(fs.readFileSync(identityFile, 'utf8'));
  const identity = generateIdentity();
  const sealing = generateX25519KeyPair();
  const statement = { site, previousIdentityKey: previous.publicKey, identityKey: identity.publicKey, sealingKey: sealing.publicKey, rotatedAtMs: nowMs };
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  const rotation: PendingRotation = {
    site, previousIdentityKey: hex(previous.publicKey), identityKey: hex(identity.publicKey), sealingKey: hex(sealing.publicKey), rotatedAtMs: nowMs,
    signature: hex(previous.sign(keyRotationMessage(statement))),
  };
  // The signed rotation first, then the keys, each by rename: a crash leaves either the old keys
  // (and a rotation the node reports as not for its keys) or the new keys with their rotation.
  const pendingFile = path.join(dataDir, PENDING_ROTATION_FILE);
  writeAtomically(pendingFile, `${JSON.stringify(rotation, null, 2)}\n`);
  writeAtomically(sealingFile, sealing.privateKey);
  writeAtomically(identityFile, identity.toPem());
  return { site, previousFingerprint: keyFingerprint(previous.publicKey), fingerprint: keyFingerprint(identity.publicKey), pendingFile };
}

function writeAtomically(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data, { mode: 0o600 });
  fs.renameSync(tmp, file);
}
