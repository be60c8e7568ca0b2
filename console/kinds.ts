/**
 * The console kinds and access levels (docs/design/console.md sections 2 and 4), in a leaf
 * module so that router.ts, clients.ts and options.ts share them without an import circle;
 * router.ts re-exports them, as section 9 writes them.
 */
export type ConsoleKind = 'coordinator' | 'node' | 'bank' | 'auditor';
export const CONSOLE_KINDS: readonly ConsoleKind[] = ['coordinator', 'node', 'bank', 'auditor'];
export type Access = 'public' | 'viewer' | 'admin' | 'enterprise';
