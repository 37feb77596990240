#!/usr/bin/env node
// Runs turbo with its telemetry off, so a fresh clone's first build prints no telemetry notice (and
// sends nothing), the same way on every platform: `node scripts/turbo.mjs run build`.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'turbo.cmd' : 'turbo');
const result = spawnSync(bin, process.argv.slice(2), {
  cwd: process.cwd(),
  stdio: 'inherit',
  shell: process.platform === 'win32',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
});
process.exit(result.status ?? 1);
