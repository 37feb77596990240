#!/usr/bin/env node
// `pnpm start`: replays the real Claude Code session shipped in apps/cli/data with the built `ctxkit`
// CLI at a small context limit: per-turn context chart, overflows prevented, compactions, cache, cost.
// Summaries are extractive (no model needed); a local Ollama on 127.0.0.1:11434 is used when one answers.
// Extra arguments are passed on, e.g. `pnpm start --strategy window` or `pnpm start --json`.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
// turbo builds the CLI and every package it depends on (cached when nothing changed).
const build = spawnSync(
  'pnpm',
  ['exec', 'turbo', 'run', 'build', '--filter=ctxkit', '--output-logs=errors-only'],
  {
    cwd: root,
    // Turborepo's one-time telemetry notice is noise in a first run; no telemetry is sent either.
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
if (build.status !== 0) {
  console.error('pnpm start: the build failed (run `pnpm build` to see why)');
  process.exit(build.status ?? 1);
}
const cli = resolve(root, 'apps/cli/dist/cli.js');
const args = ['replay', '--demo', '--limit', '32k', ...process.argv.slice(2)];
const run = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
