/**
 * The Python integrator's view of the wire formats (docs/examples/python/check_vectors.py):
 * every test vector recomputed with Python's `cryptography`, independently of our TypeScript.
 * Runs when /usr/bin/python3 has `cryptography` (Debian's python3-cryptography; CI has it);
 * otherwise skipped with the reason printed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const script = path.join(root, 'docs', 'examples', 'python', 'check_vectors.py');
const vectors = path.join(root, 'tests', 'vectors');
const PYTHON = '/usr/bin/python3';

function pythonProblem(): string | undefined {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} is missing`;
  const probe = spawnSync(PYTHON, ['-c', 'import cryptography; print(cryptography.__version__)'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `${PYTHON} has no cryptography package (apt-get install python3-cryptography): ${probe.stderr.trim().split('\n').pop() ?? ''}`;
}

const problem = pythonProblem();
if (problem) console.log(`skipping the Python wire-format check: ${problem}`);

describe.skipIf(problem !== undefined)('Python recomputes the wire-format vectors', () => {
  it('check_vectors.py matches every vector', () => {
    const run = spawnSync(PYTHON, [script, vectors], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/all vectors match\n$/);
    expect(run.stdout).not.toMatch(/^FAIL/m);
    expect(run.status).toBe(0);
  });

  it('and fails, naming the check, when one vector byte differs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fedcredit-vectors-'));
    try {
      for (const f of fs.readdirSync(vectors).filter((n) => n.endsWith('.json'))) fs.copyFileSync(path.join(vectors, f), path.join(dir, f));
      const file = path.join(dir, 'sealing-key.json');
      const v = JSON.parse(fs.readFileSync(file, 'utf8')) as { message: string };
      v.message = `${v.message.slice(0, -1)}${v.message.endsWith('0') ? '1' : '0'}`;
      fs.writeFileSync(file, JSON.stringify(v));
      const run = spawnSync(PYTHON, [script, dir], { encoding: 'utf8', timeout: 60_000 });
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/^FAIL sealing-key message: first difference at character 347/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
