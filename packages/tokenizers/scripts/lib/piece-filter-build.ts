// Builds the fallback estimator's piece filters (data/piece-filters.bin) from the shipped
// vocabulary files; shared by scripts/build-piece-filters.ts and the test that checks the
// committed file against a rebuild.
import { loadLeanEngine } from '../../src/engines/load-engine.js';
import { FITTED_VOCABULARIES } from '../../src/estimate/char-costs.js';
import { letterScript } from '../../src/estimate/features.js';
import {
  buildPieceFilter,
  PIECE_MAX_LENGTH,
  type PieceFilter,
  packPieceFilters,
} from '../../src/estimate/piece-filter.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The pieces a vocabulary's filter holds: its tokens that are, after an optional leading
 * space (sentencepiece's ▁ read as a space), letters of one script with at least one
 * non-ASCII letter — up to PIECE_MAX_LENGTH code units — and every prefix of those of 2
 * code units or more that holds a non-ASCII letter. Prefixes, because a walk grows a
 * piece one letter at a time: a BPE vocabulary may hold "ابات" without "ابا", and a walk
 * that stopped at every non-token would count ~1.4 pieces per token (measured: Thai on
 * Gemma 3, Cyrillic on Gemma 3), one that follows prefixes ~1.0. Sorted, so a rebuild is
 * byte for byte the same.
 */
export function vocabularyPieces(vocabulary: (typeof FITTED_VOCABULARIES)[number]): string[] {
  const engine = loadLeanEngine(vocabulary);
  const { vocab, settings } = engine.data;
  const pieces = new Set<string>();
  for (let rank = 0; rank < vocab.size; rank++) {
    let token: string;
    try {
      token = utf8.decode(vocab.tokenBytes(rank));
    } catch {
      continue; // a partial UTF-8 sequence: never a whole piece of letters
    }
    if (settings.replaceSpace) token = token.replaceAll(settings.replaceSpace, ' ');
    if (token.length < 2 || token.length > PIECE_MAX_LENGTH) continue;
    const body = token.charCodeAt(0) === 0x20 ? token.slice(1) : token;
    if (body.length === 0 || !/[^\x00-\x7f]/.test(body)) continue;
    const script = letterScript(body.charCodeAt(0));
    let same = script !== 0;
    for (let i = 1; same && i < body.length; i++) same = letterScript(body.charCodeAt(i)) === script;
    if (!same) continue;
    for (let end = 2; end <= token.length; end++) {
      const prefix = token.slice(0, end);
      if (/[^\x00-\x7f]/.test(prefix)) pieces.add(prefix);
    }
  }
  engine.free();
  return [...pieces].sort();
}

/** The filters of every fitted vocabulary, in FITTED_VOCABULARIES order. */
export function buildPieceFilters(): PieceFilter[] {
  return FITTED_VOCABULARIES.map((v) => buildPieceFilter(vocabularyPieces(v)));
}

/** The bytes of data/piece-filters.bin. */
export function pieceFilterFile(filters: readonly PieceFilter[] = buildPieceFilters()): Uint8Array {
  return packPieceFilters(filters);
}
