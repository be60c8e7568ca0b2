/**
 * Node flags for the worker threads of every piscina pool here (alignment/psi-blinder.ts,
 * crypto/bfv-engine.ts). piscina loads a worker file with require() first, and Node 20.19+
 * then loads an ES module through require(esm); a worker thread stopped while loading that way
 * (a pool closed, or a dead worker replaced, while a new one starts) makes Node 20 abort the
 * whole process on an internal assertion (ModuleWrap::CreateRequiredModuleFacade: seen in 1
 * of 12 runs of tests/psi/blinder.test.ts, and once in CI). With require(esm) off in the
 * workers, piscina's require fails at once and it falls back to import(), the ordinary ES
 * module loader.
 */
export const WORKER_EXEC_ARGV: readonly string[] = [
  '--no-experimental-require-module',
  // Measurements (lib/spawn-party.ts partyNodeFlags): the kernel's threads profiled too.
  ...(process.env['FEDCREDIT_CPU_PROFILE_DIR'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['FEDCREDIT_CPU_PROFILE_DIR']}`] : []),
];
