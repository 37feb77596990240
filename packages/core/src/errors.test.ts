// Errors from one copy of @ctxkit/core are recognised by another: the built ESM and CJS
// files loaded side by side in one process (what a dual-package install does), and two
// module instances of the sources.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { packageBuild } from '../../../tsup.base.js';
import * as source from './index.js';

type Core = typeof source;
let outDir: string;
let esm: Core;
let cjs: Core;

beforeAll(async () => {
  // The package's own build config, into a temporary folder (dist/ is left alone).
  outDir = mkdtempSync(join(tmpdir(), 'ctxkit-core-build-'));
  await build({
    ...packageBuild,
    entry: [resolve(import.meta.dirname, 'index.ts')],
    outDir,
    dts: false,
    sourcemap: false,
    silent: true,
    config: false,
  });
  esm = (await import(pathToFileURL(join(outDir, 'index.js')).href)) as Core;
  cjs = createRequire(import.meta.url)(join(outDir, 'index.cjs')) as Core;
}, 60_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('CtxkitError across copies of @ctxkit/core', () => {
  it('the built ESM and CJS are distinct copies, and each recognises the other’s errors', () => {
    expect(esm.CtxkitError).not.toBe(cjs.CtxkitError);
    const fromCjs = new cjs.CtxkitError('IO_ERROR', 'disk full', { path: '/x' });
    const fromEsm = new esm.CtxkitError('DISPOSED', 'freed');
    expect(esm.isCtxkitError(fromCjs)).toBe(true);
    expect(esm.isCtxkitError(fromCjs, 'IO_ERROR')).toBe(true);
    expect(esm.isCtxkitError(fromCjs, 'DISPOSED')).toBe(false);
    expect(cjs.isCtxkitError(fromEsm, 'DISPOSED')).toBe(true);
    expect(fromCjs instanceof esm.CtxkitError).toBe(true);
    expect(fromEsm instanceof cjs.CtxkitError).toBe(true);
    // …and the sources (a third copy) recognise both.
    expect(source.isCtxkitError(fromCjs, 'IO_ERROR')).toBe(true);
    expect(source.isCtxkitError(fromEsm, 'DISPOSED')).toBe(true);
  });

  it('errors thrown by a built copy’s own validation are recognised by the other copy', () => {
    let caught: unknown;
    try {
      cjs.assertMessage({ role: 'nobody', content: 1 });
    } catch (e) {
      caught = e;
    }
    expect(esm.isCtxkitError(caught, 'INVALID_MESSAGE')).toBe(true);
  });

  it('two module instances of the sources recognise each other’s errors', async () => {
    vi.resetModules();
    const a = (await import('./errors.js')) as typeof import('./errors.js');
    vi.resetModules();
    const b = (await import('./errors.js')) as typeof import('./errors.js');
    expect(a.CtxkitError).not.toBe(b.CtxkitError);
    const e = new a.CtxkitError('UNSUPPORTED', 'no');
    expect(b.isCtxkitError(e, 'UNSUPPORTED')).toBe(true);
    expect(e instanceof b.CtxkitError).toBe(true);
  });

  it('still rejects what is not a ctxkit error, and subclasses keep a precise instanceof', () => {
    for (const value of [
      new Error('x'),
      { code: 'IO_ERROR', name: 'CtxkitError' },
      null,
      'IO_ERROR',
      undefined,
    ]) {
      expect(source.isCtxkitError(value)).toBe(false);
      expect(value instanceof source.CtxkitError).toBe(false);
    }
    class Sub extends source.CtxkitError {}
    expect(new Sub('IO_ERROR', 'x') instanceof source.CtxkitError).toBe(true);
    expect(new source.CtxkitError('IO_ERROR', 'x') instanceof Sub).toBe(false);
    expect(new Sub('IO_ERROR', 'x') instanceof Sub).toBe(true);
  });
});
