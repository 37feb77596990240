// The README's first sample must run as written, as an ESM .mjs file, and must never touch the default
// store (its retention once cut a real history to headers when a misspelt option fell back to it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const PACKAGE_DIR = resolve(import.meta.dirname, '..');
const TSX = resolve(PACKAGE_DIR, '../../node_modules/.bin/tsx');

it('the README sample runs as written and writes only to its own directory', () => {
  const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
  const sample = /```js\n(\/\/ usage\.mjs[\s\S]*?)```/.exec(readme)?.[1];
  expect(sample).toBeDefined();
  // Inside the package, so `@ctxkit/tracker` resolves to this package (self-reference by name).
  const script = join(PACKAGE_DIR, `.readme-sample-${process.pid}.mjs`);
  const home = mkdtempSync(join(tmpdir(), 'ctxkit-readme-home-'));
  const temp = mkdtempSync(join(tmpdir(), 'ctxkit-readme-tmp-')); // the sample's own mkdtemp goes here
  writeFileSync(script, sample!);
  try {
    const run = spawnSync(TSX, ['--conditions=@ctxkit/source', script], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, XDG_DATA_HOME: home, HOME: home, TMPDIR: temp },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')).toEqual(['31200 400', '1', 'true', '']);
    expect(readdirSync(home)).toEqual([]);
    // Its history is in its own directory: one session file with the header, the call, and the bash
    // use recorded after the last call (stored as tool activity at endSession).
    const [own] = readdirSync(temp);
    const files = readdirSync(join(temp, own!));
    expect(files.length).toBe(1);
    expect(
      readFileSync(join(temp, own!, files[0]!), 'utf8')
        .split('\n')
        .filter(Boolean).length,
    ).toBe(3);
  } finally {
    rmSync(script, { force: true });
    rmSync(home, { recursive: true, force: true });
    rmSync(temp, { recursive: true, force: true });
  }
});
