/**
 * `fedcredit console config keys` and `config check` (placeholder until the console's config
 * file lands; see console/README.md).
 */
import type { Command } from 'commander';

export function registerConsoleConfigCommands(_parent: Command): void {
  // Filled in after the skeleton commit.
}
