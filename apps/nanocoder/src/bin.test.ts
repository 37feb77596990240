import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NANOCODER_ROOT } from '../test/run-nanocoder.js';
import { chooseNode, NANOCODER_MIN_NODE } from './node-runtime.js';

const app = new URL('..', import.meta.url).pathname;
const tsx = pathToFileURL(createRequire(join(app, 'package.json')).resolve('tsx/esm')).href;
const bin = join(app, 'src', 'bin.ts');
const temp = mkdtempSync(join(tmpdir(), 'ctxkit-bin-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function runBin(args: string[], env: Record<string, string> = {}) {
  // The bin runs on whatever Node started it (here the system one) and picks a
  // Node >= 22 for Nanocoder itself.
  return spawnSync(process.execPath, ['--conditions=@ctxkit/source', '--import', tsx, bin, ...args], {
    cwd: app,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
}

describe('ctxkit-nanocoder bin', () => {
  it('picks a Node >= 22: the system one when new enough, else the `node` npm package', () => {
    const choice = chooseNode([app]);
    expect(choice).toBeDefined();
    expect(Number.parseInt(choice?.version ?? '0', 10)).toBeGreaterThanOrEqual(NANOCODER_MIN_NODE);
    // An old current Node is never chosen; the npm `node` package is (pnpm's NODE_PATH may expose it anywhere).
    const old = chooseNode([app], { execPath: '/usr/bin/node', version: '20.1.0' });
    expect(old?.source).toBe('npm-node-package');
    expect(old?.path).not.toBe('/usr/bin/node');
    const current = chooseNode([], { execPath: '/opt/node', version: '22.3.0' });
    expect(current).toEqual({ path: '/opt/node', version: '22.3.0', source: 'system' });
  });

  it('launches the installed Nanocoder through the hook', () => {
    const run = runBin(['--version'], { CTXKIT_DEBUG: '1' });
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(
      JSON.parse(readFileSync(join(NANOCODER_ROOT, 'package.json'), 'utf8')).version,
    );
    expect(run.stderr).toMatch(/\[ctxkit\] patched 7 modules of Nanocoder 1\.30\.0/);
  }, 60_000);

  it('refuses to start on an unknown Nanocoder version, with a clear message', () => {
    const fake = join(temp, 'nanocoder');
    const manifest = JSON.parse(readFileSync(join(NANOCODER_ROOT, 'package.json'), 'utf8'));
    spawnSync('mkdir', ['-p', fake]);
    writeFileSync(join(fake, 'package.json'), JSON.stringify({ ...manifest, version: '2.0.0' }));
    const run = runBin(['--version'], { CTXKIT_NANOCODER_ROOT: fake });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /refusing to start: @nanocollective\/nanocoder 2\.0\.0 is not a version ctxkit was verified against/,
    );
    expect(run.stdout).toBe('');
  }, 60_000);
});
