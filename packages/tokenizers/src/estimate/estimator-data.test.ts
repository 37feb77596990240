import { isCtxkitError } from '@ctxkit/core';
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
});
