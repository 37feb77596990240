import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NANOCODER_CLI, NANOCODER_ROOT } from '../test/run-nanocoder.js';
import { checkNanocoder, SUPPORTED_NANOCODER_VERSIONS, staticExportNames } from './compat.js';
import { findNanocoderRoot } from './locate.js';
import { registerNanocoderHooks } from './register-hooks.js';

const temp = mkdtempSync(join(tmpdir(), 'ctxkit-compat-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A copy of the files the check reads, so the real install is never touched. */
function fakeInstall(version: string, edit?: (file: string, source: string) => string): string {
  const root = mkdtempSync(join(temp, 'nc-'));
  const manifest = JSON.parse(readFileSync(join(NANOCODER_ROOT, 'package.json'), 'utf8'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ ...manifest, version }));
  for (const m of SUPPORTED_NANOCODER_VERSIONS['1.30.0'] ?? []) {
    cpSync(join(NANOCODER_ROOT, m.file), join(root, m.file));
    if (edit) writeFileSync(join(root, m.file), edit(m.file, readFileSync(join(root, m.file), 'utf8')));
  }
  return root;
}

describe('checkNanocoder', () => {
  it('accepts the pinned Nanocoder and finds every name it replaces', () => {
    const check = checkNanocoder(NANOCODER_ROOT);
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.modules.map((m) => m.key)).toContain('chatHandler');
  });

  it('finds the root from the CLI script path', () => {
    expect(findNanocoderRoot(NANOCODER_CLI)).toBe(NANOCODER_ROOT);
  });

  it('reads export names statically, including re-exports', () => {
    expect(
      staticExportNames("export { createTokenizer } from './x.js';\nexport async function a() {}"),
    ).toEqual(['createTokenizer', 'a']);
  });

  it('refuses an unknown version with a reason naming it', () => {
    const check = checkNanocoder(fakeInstall('1.31.0'));
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(/1\.31\.0 is not a version ctxkit was verified against/);
  });

  it('refuses a known version whose module no longer exports a replaced name', () => {
    const root = fakeInstall('1.30.0', (file, source) =>
      file.endsWith('auto-compact.js')
        ? source.replace(
            'export async function performAutoCompact',
            'export async function performAutoCompaction',
          )
        : source,
    );
    const check = checkNanocoder(root);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(/auto-compact\.js no longer exports performAutoCompact/);
  });

  it('refuses when Nanocoder is missing', () => {
    const check = checkNanocoder(undefined);
    expect(check.ok).toBe(false);
  });

  it('registerNanocoderHooks registers nothing and says so loudly on refusal', () => {
    const warnings: string[] = [];
    const check = registerNanocoderHooks({
      root: fakeInstall('9.9.9'),
      hooksUrl: new URL('./loader-hooks.ts', import.meta.url),
      runtimeUrl: new URL('./runtime.ts', import.meta.url),
      warn: (m) => warnings.push(m),
    });
    expect(check.ok).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/REFUSING to patch Nanocoder: .*9\.9\.9.*Nanocoder runs unmodified/);
    expect(process.env.CTXKIT_NANOCODER_ACTIVE).toBeUndefined();
  });
});
