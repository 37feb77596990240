import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, loadSettings } from './settings.js';

const dir = mkdtempSync(join(tmpdir(), 'ctxkit-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function config(value: unknown): string {
  const file = join(dir, `agents-${++files}.config.json`);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

describe('loadSettings', () => {
  it('gives the documented defaults without a file or a variable', () => {
    const { settings, warnings, file } = loadSettings([join(dir, 'missing.json')], {});
    expect(settings).toEqual({ ...DEFAULT_SETTINGS, pins: [] });
    expect(warnings).toEqual([]);
    expect(file).toBeUndefined();
  });

  it("reads Nanocoder's autoCompact, then the ctxkit block over it, then the variables over both", () => {
    const file = config({
      nanocoder: { autoCompact: { enabled: false, threshold: 70, strategy: 'mechanical' } },
      ctxkit: { target: 0.4, contextLimit: 6144, pins: ['API_KEY_NAME'], summaryTimeoutMs: 5000 },
    });
    const fromFile = loadSettings([file], {}).settings;
    expect(fromFile).toMatchObject({
      enabled: false,
      threshold: 0.7,
      summarizer: 'extractive',
      target: 0.4,
      contextLimit: 6144,
      pins: ['API_KEY_NAME'],
      summaryTimeoutMs: 5000,
    });
    const withEnv = loadSettings([file], {
      CTXKIT_ENABLED: '1',
      CTXKIT_COMPACT_THRESHOLD: '0.9',
      CTXKIT_SUMMARIZER: 'model',
      CTXKIT_CONTEXT_LIMIT: '4096',
      CTXKIT_DEBUG: '1',
    }).settings;
    expect(withEnv).toMatchObject({
      enabled: true,
      threshold: 0.9,
      summarizer: 'model',
      contextLimit: 4096,
      debug: true,
    });
  });

  it('takes the first file that exists, as Nanocoder does (project before user folder)', () => {
    const project = config({ ctxkit: { target: 0.3 } });
    const user = config({ ctxkit: { target: 0.6 } });
    expect(loadSettings([join(dir, 'none.json'), project, user], {})).toMatchObject({
      file: project,
      settings: { target: 0.3 },
    });
  });

  it('warns clearly on an unknown key (with the nearest known one) and on bad values, keeping the rest', () => {
    const file = config({
      ctxkit: { treshold: 0.7, target: 'half', enabled: 'maybe', pins: [3], debug: true },
    });
    const { settings, warnings } = loadSettings([file], { CTXKIT_CONTEXT_LIMIT: '-5' });
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toMatch(
      /unknown key ctxkit\.treshold \(did you mean "threshold"\?\); known keys: enabled, threshold/,
    );
    expect(warnings.some((w) => /ctxkit\.target must be a share/.test(w))).toBe(true);
    expect(warnings.some((w) => /ctxkit\.enabled must be true or false/.test(w))).toBe(true);
    expect(warnings.some((w) => /ctxkit\.pins must be a list of non-empty strings/.test(w))).toBe(true);
    expect(warnings.some((w) => /CTXKIT_CONTEXT_LIMIT must be a positive integer/.test(w))).toBe(true);
    expect(settings).toMatchObject({ threshold: 1, target: 0.5, enabled: true, pins: [], debug: true });
    expect(settings.contextLimit).toBeUndefined();
  });

  it('says so when the file is not JSON or the block is not an object', () => {
    expect(loadSettings([config('{ "ctxkit": ')], {}).warnings[0]).toMatch(/not valid JSON/);
    expect(loadSettings([config({ ctxkit: [1] })], {}).warnings[0]).toMatch(/"ctxkit" must be an object/);
  });
});
