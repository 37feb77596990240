// The estimators' per-vocabulary data files (data/char-costs.bin, data/piece-filters.bin),
// each read once, on the first estimate that needs it: a program that only counts exactly
// never reads them.
import { CtxkitError } from '@ctxkit/core';
import { readDataBinary } from '../data-files.js';
import {
  CHAR_COST_TABLE_BYTES,
  CHAR_COST_VOCABULARIES,
  type CharCosts,
  type CharCostVocabulary,
  FITTED_VOCABULARIES,
  type FittedVocabulary,
} from './char-costs.js';
import { type PieceFilter, unpackPieceFilters } from './piece-filter.js';

/**
 * Reads a data file and splits it into one part per vocabulary (views over the one read).
 * `split` throws on a file of the wrong shape, which becomes `TOKENIZER_LOAD_FAILED`.
 */
export function readPerVocabulary<V extends string, T>(
  file: string,
  vocabularies: readonly V[],
  split: (bytes: Uint8Array) => T[],
): Record<V, T> {
  const data = readDataBinary(file);
  let parts: T[];
  try {
    parts = split(new Uint8Array(data.buffer, data.byteOffset, data.length));
  } catch (cause) {
    throw new CtxkitError(
      'TOKENIZER_LOAD_FAILED',
      `Estimator data file ${file} is corrupt (${(cause as Error).message}); reinstall @ctxkit/tokenizers`,
      { file },
      { cause },
    );
  }
  return Object.fromEntries(vocabularies.map((v, k) => [v, parts[k]])) as Record<V, T>;
}

let tables: Record<CharCostVocabulary, CharCosts> | undefined;

/** The character cost table of a vocabulary (data/char-costs.bin, read once on first use). */
export function charCostsFor(vocabulary: CharCostVocabulary): CharCosts {
  tables ??= readPerVocabulary('char-costs.bin', CHAR_COST_VOCABULARIES, (bytes) => {
    const expected = CHAR_COST_VOCABULARIES.length * CHAR_COST_TABLE_BYTES;
    if (bytes.length !== expected) throw new RangeError(`${bytes.length} bytes, expected ${expected}`);
    return CHAR_COST_VOCABULARIES.map((_, k) =>
      bytes.subarray(k * CHAR_COST_TABLE_BYTES, (k + 1) * CHAR_COST_TABLE_BYTES),
    );
  });
  return tables[vocabulary];
}

let filters: Record<FittedVocabulary, PieceFilter> | undefined;

/** The piece filter of a vocabulary (data/piece-filters.bin, read once on first use). */
export function pieceFilterFor(vocabulary: FittedVocabulary): PieceFilter {
  filters ??= readPerVocabulary('piece-filters.bin', FITTED_VOCABULARIES, (bytes) =>
    unpackPieceFilters(bytes, FITTED_VOCABULARIES.length),
  );
  return filters[vocabulary];
}
