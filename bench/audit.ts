/**
 * `audit verify` over real gRPC (coordinator and two witnessing nodes in this process, the
 * auditor talking to them over loopback): a fresh audit of a large log, an incremental audit
 * from the saved state, and what one RFC 9162 §2.1.3 inclusion proof per entry would cost
 * instead of recomputing the root from the entries (measured on a sample, scaled up).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCoordinator } from '../coordinator/server.js';
import { startNode } from '../node/server.js';
import { makeEntry } from '../log/entries.js';
import { bindEnterpriseKey, keyBindingEntry } from '../consent/verify.js';
import { generateIdentity } from '../crypto/identity.js';
import { creditCodeCheckChar } from '../schema/credit-code.js';
import { auditVerify } from '../log/audit/verify.js';
import { LogReader, waitForCosignedLatest } from '../log/client.js';
import { hashLeaf, verifyInclusion } from '../log/merkle.js';
import { openCheckpoint } from '../log/checkpoint.js';
import type { BenchRow } from './report.js';
import { initFederation } from '../lib/init-cli.js';
import { partyTransport } from '../lib/tls.js';

const SUBJECT = '91350100M000100Y4' + creditCodeCheckChar('91350100M000100Y4');
const quiet = () => undefined;

/**
 * `signed`: every entry carries a signature the auditor must verify (enterprise key
 * registrations, one Ed25519 check each: the worst case); `unsigned`: metadata entries with no
 * signature of their own (refusals), which is what most of a production log holds.
 */
export async function benchAudit(options: { entries?: number; proofSample?: number; entryKind?: 'signed' | 'unsigned' } = {}): Promise<BenchRow[]> {
  const signed = (options.entryKind ?? 'signed') === 'signed';
  const n = options.entries ?? 100_000;
  const sample = options.proofSample ?? 2_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-bench-audit-'));
  // Over mutual TLS, as deployed: the figures include the TLS cost.
  const fed = path.join(dir, 'federation');
  await initFederation({ out: fed, sites: ['tax', 'power'] });
  const auditor = partyTransport(fed, 'auditor-1');
  const coordinator = await startCoordinator({ dataDir: path.join(dir, 'coordinator'), transport: partyTransport(fed, 'coordinator'), checkpointIntervalMs: 200, log: quiet });
  const nodes = await Promise.all(['tax', 'power'].map((site) => startNode({
    site, dataDir: path.join(dir, site), transport: partyTransport(fed, site), coordinator: coordinator.address, witnessIntervalMs: 200, log: quiet,
  })));
  try {
    await Promise.all(nodes.map((x) => x.registered));
    // Validly signed key registrations: the auditor checks each registrar signature, as it must.
    const registrar = generateIdentity();
    const entry = (i: number) => signed
      ? keyBindingEntry(bindEnterpriseKey(registrar, SUBJECT, Buffer.from(i.toString(16).padStart(64, '0'), 'hex'), 1_700_000_000_000 + i))
      : makeEntry('refusal', { queryId: `q-${i}`, requester: 'bank-a', subject: SUBJECT, refusedBy: 'coordinator', reason: 'CONSENT_EXPIRED', time: 1_700_000_000_000 + i });
    const append = async (from: number, count: number) => {
      for (let i = from; i < from + count; i += 5_000) {
        await Promise.all(Array.from({ length: Math.min(5_000, from + count - i) }, (_, k) => coordinator.transparencyLog.append(entry(i + k))));
      }
    };
    await append(0, n);
    await waitForCosignedLatest(coordinator.address, auditor, 2, 60_000);
    const state = path.join(dir, 'auditor.json');
    const fresh = await auditVerify({ coordinator: coordinator.address, transport: auditor, stateFile: state });
    if (!fresh.ok) throw new Error(`fresh audit failed: ${JSON.stringify(fresh.findings.slice(0, 3))}`);
    await append(n, 1_000);
    await waitForCosignedLatest(coordinator.address, auditor, 2, 60_000);
    const incremental = await auditVerify({ coordinator: coordinator.address, transport: auditor, stateFile: state });
    if (!incremental.ok) throw new Error(`incremental audit failed: ${JSON.stringify(incremental.findings.slice(0, 3))}`);

    const label = signed ? 'signed key registrations' : 'unsigned entries (refusals)';
    const freshRow: BenchRow = {
      area: 'audit', metric: `audit verify over gRPC, fresh, ${n} ${label}`, value: fresh.seconds, unit: 's', target: '< 10 s', meetsTarget: fresh.seconds < 10,
      note: signed ? 'worst case: one Ed25519 verification (~150 us here) per entry, spread over 2 cores; all parties share the 2 cores' : 'root recomputed from all entries, plus cross-check',
    };
    if (sample === 0) return [freshRow];
    // The alternative: fetch and check one inclusion proof per entry.
    const reader = new LogReader(coordinator.address, auditor);
    try {
      const { final } = await reader.checkpoints();
      const cp = openCheckpoint(final, { origin: coordinator.transparencyLog.origin, key: coordinator.transparencyLog.logKey });
      if (!cp.ok) throw new Error(cp.reason);
      const size = cp.checkpoint.size;
      const entries = await reader.entries(0, sample);
      const t0 = performance.now();
      for (let i = 0; i < sample; i++) {
        const proof = await reader.inclusionProof(i, size);
        if (!verifyInclusion(hashLeaf(entries[i]!), i, size, proof, cp.checkpoint.rootHash).ok) throw new Error(`entry ${i} not included`);
      }
      const perEntry = (performance.now() - t0) / 1000 / sample;
      return [
        freshRow,
        { area: 'audit', metric: 'audit verify over gRPC, incremental, 1000 new entries', value: incremental.seconds, unit: 's' },
        { area: 'audit', metric: `same ${n} entries by one inclusion proof each (est.)`, value: perEntry * n, unit: 's', note: `measured on ${sample} proofs` },
      ];
    } finally {
      reader.close();
    }
  } finally {
    await Promise.all(nodes.map((x) => x.stop()));
    await coordinator.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
