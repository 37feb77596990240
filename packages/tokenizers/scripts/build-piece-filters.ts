// Writes data/piece-filters.bin, the fallback estimator's piece filters: for every
// vocabulary with fallback coefficients, a Bloom filter of its tokens made of non-ASCII
// letters of one script (scripts/lib/piece-filter-build.ts; layout in
// src/estimate/piece-filter.ts).
//
//   pnpm -F @ctxkit/tokenizers exec tsx --conditions=@ctxkit/source scripts/build-piece-filters.ts
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FITTED_VOCABULARIES } from '../src/estimate/char-costs.js';
import { buildPieceFilter } from '../src/estimate/piece-filter.js';
import { pieceFilterFile, vocabularyPieces } from './lib/piece-filter-build.js';

const filters = FITTED_VOCABULARIES.map((v) => {
  const pieces = vocabularyPieces(v);
  const filter = buildPieceFilter(pieces);
  console.log(`${v}: ${pieces.length} pieces, ${(filter.bits.byteLength / 1024).toFixed(0)} KB`);
  return filter;
});
const out = resolve(import.meta.dirname, '../data/piece-filters.bin');
writeFileSync(out, pieceFilterFile(filters));
console.log(`wrote ${out}`);
