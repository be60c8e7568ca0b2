/**
 * The house rules of issue 13, checked on the source tree's imports (docs/architecture.md):
 * - a role folder (node/, coordinator/, requester/, auditor/) imports no other role folder;
 * - a protocol or plumbing folder (anything but bin/, bench/ and the role folders) imports no
 *   role folder: roles wire protocols, never the other way round;
 * - no import circle among source files, type-only imports included;
 * - lib/ holds only the plumbing files listed below.
 * A failure lists each offending import as `file:line -> file`, so the fix is a read away.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, describeEdge, importCircles, importEdges, sourceFiles, topFolder } from './helpers/import-graph.js';

const ROLE_FOLDERS = new Set(['node', 'coordinator', 'requester', 'auditor', 'console']);
/** Folders that may import anything: the CLI entry points and the benchmarks. */
const WIRING_FOLDERS = new Set(['bin', 'bench']);

/**
 * lib/ is plumbing every role shares, and nothing else: a protocol's file belongs in its
 * protocol's folder. Adding a file here is a decision: say in its header why it is plumbing.
 */
const LIB_ALLOWED = new Map<string, string>([
  ['bounded-cache.ts', 'an LRU cache bounded by count and bytes'],
  ['ca-owner.ts', "the CA owner's signing of requests and revocation list"],
  ['call-limits.ts', 'per-caller rate and in-flight limits of every RPC'],
  ['cert-cli.ts', '`fedcredit tls` and `fedcredit ca`: certificate request, renewal, revocation commands'],
  ['cert-request.ts', "a party's own TLS key and certificate request (PKCS#10)"],
  ['cli-format.ts', 'CLI sizes, durations, --since/--until times and progress lines'],
  ['cli-output.ts', 'CLI output, --json and error printing'],
  ['errors.ts', 'error codes and their gRPC status'],
  ['federation-ca.ts', "the federation's TLS CA and party certificates"],
  ['grpc-streams.ts', 'kept-open gRPC streams'],
  ['grpc.ts', 'loading the gRPC package, errors as status and code, client calls'],
  ['init-cli.ts', '`fedcredit init`: the TLS folders of every party'],
  ['json-numbers.ts', "gRPC's 64-bit integers as JSON numbers for --json"],
  ['message-limits.ts', 'per-method gRPC message size limits'],
  ['netns.ts', 'network namespaces for the demo and its test'],
  ['node-channels.ts', 'one gRPC channel per node per job'],
  ['party-config.ts', 'a serving party\'s config file: keys, checks, flags (issue 17)'],
  ['party-log.ts', 'a serving party\'s structured log lines (issue 17)'],
  ['party-ops.ts', 'grpc.health.v1, HTTP probes and Prometheus metrics of a serving party (issue 17)'],
  ['party-processes.ts', 'starting and stopping party processes'],
  ['revocation.ts', "the CA's certificate revocation list, checked on every connection"],
  ['rpc-roles.ts', 'which role may call which gRPC method'],
  ['serial-queue.ts', 'one-at-a-time async queue'],
  ['serve-cli.ts', 'the flags and `config check` every serve command shares (issue 17)'],
  ['spawn-party.ts', 'spawning one party process'],
  ['tls.ts', 'mutual TLS (or --insecure) for every connection'],
]);

const files = sourceFiles();
const edges = importEdges(REPO_ROOT, files);

function listing(title: string, lines: readonly string[]): string {
  return `${title} (${lines.length}):\n  ${lines.join('\n  ')}`;
}

describe('source layout (issue 13)', () => {
  it('reads a graph of the whole tree', () => {
    // A guard against a test that cannot fail: the walker must see the tree it claims to check.
    expect(files.length).toBeGreaterThan(150);
    expect(edges.length).toBeGreaterThan(500);
    expect(files).toContain('scoring/coordinator.ts');
    expect(edges.some((e) => e.typeOnly)).toBe(true);
  });

  it('no role folder imports another role folder', () => {
    const bad = edges.filter((e) => ROLE_FOLDERS.has(topFolder(e.from)) && ROLE_FOLDERS.has(topFolder(e.to)) && topFolder(e.from) !== topFolder(e.to));
    expect(bad.map(describeEdge), listing('role folder importing another role folder', bad.map(describeEdge))).toEqual([]);
  });

  it('no protocol or plumbing folder imports a role folder', () => {
    const bad = edges.filter((e) => {
      const from = topFolder(e.from);
      return !ROLE_FOLDERS.has(from) && !WIRING_FOLDERS.has(from) && ROLE_FOLDERS.has(topFolder(e.to));
    });
    expect(bad.map(describeEdge), listing('protocol/plumbing file importing a role folder', bad.map(describeEdge))).toEqual([]);
  });

  it('no import circle among source files (type-only imports count)', () => {
    const circles = importCircles(edges);
    const text = circles.map((c, i) => `circle ${i + 1} through ${c.files.join(', ')}:\n    ${c.cycle.map(describeEdge).join('\n    ')}`);
    expect(circles.map((c) => c.files), listing('import circles', text)).toEqual([]);
  });

  it('lib/ holds only plumbing', () => {
    const inLib = fs.readdirSync(path.join(REPO_ROOT, 'lib')).sort();
    const shown = inLib.map((f) => `lib/${f}: ${LIB_ALLOWED.get(f) ?? 'NOT ON THE PLUMBING LIST: move it to its protocol folder, or add it here with a reason'}`);
    console.log(listing('lib/', shown));
    const unknown = inLib.filter((f) => !LIB_ALLOWED.has(f));
    expect(unknown, listing('lib/', shown)).toEqual([]);
  });
});
