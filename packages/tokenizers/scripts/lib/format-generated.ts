// Generated TypeScript goes through the repository's formatter, so a refit leaves the
// tree lint-clean (`biome check` is part of `pnpm test`).
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Formats a written file with the workspace's Biome. */
export function formatGenerated(file: string): void {
  const biome = resolve(import.meta.dirname, '../../../../node_modules/.bin/biome');
  execFileSync(biome, ['format', '--write', file], { stdio: 'ignore' });
}
