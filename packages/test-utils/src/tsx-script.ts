// Runs a TypeScript script in a fresh Node process under
// tsx with the sources' export condition — for what only a fresh process shows (how it
// exits, which files it reads on first use).
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './transcripts.js';

const TSX = resolve(REPO_ROOT, 'node_modules/.bin/tsx');

/** Writes `source` to `script.mts` in a new temporary directory (also passed to `source`) and runs it. */
export function runTsxScript(source: (dir: string) => string): SpawnSyncReturns<string> & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ctxkit-script-'));
  const script = join(dir, 'script.mts');
  writeFileSync(script, source(dir));
  const run = spawnSync(TSX, ['--conditions=@ctxkit/source', script], { encoding: 'utf8', timeout: 60_000 });
  return Object.assign(run, { dir });
}
