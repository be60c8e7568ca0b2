/**
 * One federation (CA and party certificates, made by `fedcredit init`'s code) per test folder,
 * so every test that runs parties runs them over mutual TLS as deployed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { initFederation } from '../../lib/init-cli.js';
import { partyFolder, partyTransport, type Transport } from '../../lib/tls.js';

export interface TestFederation {
  dir: string;
  /** A party's TLS folder (`tax`, `tax-operator`, `coordinator`, `auditor-1`, `bank-a`, ...). */
  folder(party: string): string;
  /** `['--tls', folder]` for a CLI command run as that party. */
  tls(party: string): string[];
  /** The party's transport for in-process clients and servers. */
  as(party: string): Transport;
}

export const TEST_SITES = ['tax', 'power', 'bank', 'extra'];

const made = new Map<string, Promise<TestFederation>>();

/** The federation under `<testDir>/federation`, created on first use (sites: TEST_SITES). */
export function testFederation(testDir: string, sites: string[] = TEST_SITES): Promise<TestFederation> {
  const dir = path.join(testDir, 'federation');
  let fed = made.get(dir);
  if (!fed) {
    fed = (async () => {
      if (!fs.existsSync(path.join(dir, 'federation.json'))) {
        await initFederation({ out: dir, sites, requesters: ['bank-a'], auditors: ['auditor-1'] });
      }
      return {
        dir,
        folder: (party: string) => partyFolder(dir, party),
        tls: (party: string) => ['--tls', partyFolder(dir, party)],
        as: (party: string) => partyTransport(dir, party),
      };
    })();
    made.set(dir, fed);
  }
  return fed;
}
