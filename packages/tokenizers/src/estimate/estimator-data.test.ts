import { resolve } from 'node:path';
import { isCtxkitError } from '@ctxkit/core';
import { runTsxScript } from '@ctxkit/test-utils';
import { describe, expect, it } from 'vitest';
import { CHAR_COST_TABLE_BYTES, FITTED_VOCABULARIES } from './char-costs.js';
import { charCostsFor, pieceFilterFor, readPerVocabulary } from './estimator-data.js';

const caught = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
};

describe('estimator data files', () => {
  it('reads each file once into views per vocabulary', () => {
    expect(charCostsFor('o200k_base')).toHaveLength(CHAR_COST_TABLE_BYTES);
    expect(charCostsFor('o200k_base').buffer).toBe(charCostsFor('generic').buffer);
    for (const v of FITTED_VOCABULARIES) expect(pieceFilterFor(v).bits.length).toBeGreaterThan(0);
    expect(pieceFilterFor('o200k_base')).toBe(pieceFilterFor('o200k_base'));
  });

  it('turns a file of the wrong shape, or a missing one, into TOKENIZER_LOAD_FAILED', () => {
    const corrupt = caught(() =>
      readPerVocabulary('char-costs.bin', ['x'], () => {
        throw new RangeError('12 bytes, expected 13');
      }),
    );
    expect(isCtxkitError(corrupt, 'TOKENIZER_LOAD_FAILED')).toBe(true);
    expect((corrupt as Error).message).toMatch(/char-costs\.bin is corrupt \(12 bytes, expected 13\)/);
    const missing = caught(() => readPerVocabulary('no-such-file.bin', ['x'], () => []));
    expect(isCtxkitError(missing, 'TOKENIZER_LOAD_FAILED')).toBe(true);
  });

  // In a fresh process, with every file read logged: what each kind of estimate reads.
  it('reads the piece filters only for a fitted vocabulary, and no estimator file when counting exactly', () => {
    const entry = resolve(import.meta.dirname, '../index.ts');
    const run = runTsxScript(
      () => `import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const read = fs.readFileSync;
const seen: string[] = [];
fs.readFileSync = ((p: unknown, ...rest: unknown[]) => {
  const name = String(p).split('/').pop() as string;
  if (name.endsWith('.bin')) seen.push(name);
  return (read as (...a: unknown[]) => unknown)(p, ...rest);
}) as typeof fs.readFileSync;
syncBuiltinESMExports();
const m = await import(${JSON.stringify(entry)});
const step = (label: string, f: () => unknown) => { f(); console.log(label, JSON.stringify(seen)); };
step('exact', () => m.createVocabularyTokenizer('o200k_base').countTokens('привет'));
step('claude', () => m.estimateClaudeTokens('привет'));
step('generic', () => m.estimateTokens('привет'));
step('llama3', () => m.estimateTokens('привет', 'llama3'));
`,
    );
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n')).toEqual([
      'exact ["o200k_base.bin"]',
      'claude ["o200k_base.bin","char-costs.bin"]',
      'generic ["o200k_base.bin","char-costs.bin"]',
      'llama3 ["o200k_base.bin","char-costs.bin","piece-filters.bin"]',
    ]);
  });
});
