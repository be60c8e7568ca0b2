/**
 * Separate hosts on one machine: one Linux network namespace per party, each with its own
 * address on a private bridge, so the federation runs across real network interfaces (as at
 * agencies with their own machines) rather than one loopback. Used by `npm run demo -- --netns`
 * and the namespace tests. Needs root and iproute2; `netnsUnavailable()` says why not.
 *
 * Addresses are in 10.231.7.0/24 on a bridge this code creates and removes; nothing leaves
 * the machine (the bridge has no uplink). A party's link can be cut and restored to test
 * network partitions.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export const NETNS_SUBNET = '10.231.7';
/** The root namespace's own address on the bridge: where tools outside the namespaces dial from. */
export const HOST_ADDRESS = `${NETNS_SUBNET}.254`;

export interface NetnsHost {
  party: string;
  namespace: string;
  address: string;
  /** The veth end in the root namespace; down = the party is cut off. */
  link: string;
}

export interface NetnsLab {
  bridge: string;
  hosts: Map<string, NetnsHost>;
  /** Prefix for spawning a command inside a party's namespace. */
  exec(party: string): string[];
  cut(party: string): void;
  restore(party: string): void;
  teardown(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Undefined when namespaces can be made here, else the reason they cannot. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const probe = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `iproute2's \`ip netns\` does not work here: ${probe.error?.message ?? probe.stderr.trim()}`;
  return undefined;
}

/**
 * Create one namespace per party (`<prefix>-<party>`) on a fresh bridge. Leftovers of an earlier
 * run with the same prefix are removed first. Parties get .1, .2, ... in the order given.
 */
export function createNetnsLab(parties: string[], prefix = 'fc'): NetnsLab {
  const reason = netnsUnavailable();
  if (reason) throw new Error(reason);
  if (parties.length > 250) throw new RangeError('at most 250 parties');
  const bridge = `${prefix}br0`;
  const hosts = new Map<string, NetnsHost>();
  parties.forEach((party, i) => {
    // Interface names are limited to 15 characters.
    const tag = `${prefix}${i}`;
    hosts.set(party, { party, namespace: `${prefix}-${party}`, address: `${NETNS_SUBNET}.${i + 1}`, link: `${tag}h` });
  });
  const teardown = () => {
    for (const h of hosts.values()) spawnSync('ip', ['netns', 'del', h.namespace]);
    spawnSync('ip', ['link', 'del', bridge]);
  };
  teardown();
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `${HOST_ADDRESS}/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    parties.forEach((party, i) => {
      const h = hosts.get(party)!;
      const inner = `${prefix}${i}n`;
      ip('netns', 'add', h.namespace);
      ip('link', 'add', h.link, 'type', 'veth', 'peer', 'name', inner);
      ip('link', 'set', inner, 'netns', h.namespace);
      ip('link', 'set', h.link, 'master', bridge, 'up');
      ip('-n', h.namespace, 'addr', 'add', `${h.address}/24`, 'dev', inner);
      ip('-n', h.namespace, 'link', 'set', inner, 'up');
      ip('-n', h.namespace, 'link', 'set', 'lo', 'up');
    });
  } catch (err) {
    teardown();
    throw new Error(`could not build the namespace network: ${(err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message}`);
  }
  const host = (party: string) => {
    const h = hosts.get(party);
    if (!h) throw new RangeError(`no namespace for party '${party}'`);
    return h;
  };
  return {
    bridge,
    hosts,
    exec: (party) => ['ip', 'netns', 'exec', host(party).namespace],
    cut: (party) => ip('link', 'set', host(party).link, 'down'),
    restore: (party) => ip('link', 'set', host(party).link, 'up'),
    teardown,
  };
}
