import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pieceFilterFile, vocabularyPieces } from '../../scripts/lib/piece-filter-build.js';
import { REFERENCE_VOCABULARIES } from '../../scripts/lib/reference.js';
import { readDataBinary } from '../data-files.js';
import { pieceFilterFor } from './estimator-data.js';
import {
  buildPieceFilter,
  hasPiece,
  PIECE_MAX_LENGTH,
  packPieceFilters,
  pieceHash,
  pieceStep,
  unpackPieceFilters,
} from './piece-filter.js';

describe('piece filters', () => {
  it('hashes a piece one code unit at a time', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.integer({ min: 0, max: 0xffff }), (piece, u) => {
        expect(pieceStep(pieceHash(piece), u)).toBe(pieceHash(piece + String.fromCharCode(u)));
      }),
    );
  });

  it('holds every piece it was built from, and few others', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 2, maxLength: 8 }), { maxLength: 300 }), (pieces) => {
        const filter = buildPieceFilter(pieces);
        for (const p of pieces) expect(hasPiece(filter, pieceHash(p))).toBe(true);
      }),
      { numRuns: 50 },
    );
    // False positives: 10,000 strings of another alphabet against 5,000 stored pieces.
    const stored = Array.from({ length: 5000 }, (_, i) => `п${i.toString(36)}`);
    const filter = buildPieceFilter(stored);
    let positives = 0;
    for (let i = 0; i < 10_000; i++) if (hasPiece(filter, pieceHash(`ж${i.toString(36)}`))) positives++;
    expect(positives / 10_000).toBeLessThan(0.01);
  });

  it('packs and unpacks filters, and rejects a file of the wrong shape', () => {
    const a = buildPieceFilter(['ab', 'жи']);
    const b = buildPieceFilter(Array.from({ length: 3000 }, (_, i) => `é${i}`));
    const bytes = packPieceFilters([a, b]);
    const [a2, b2] = unpackPieceFilters(bytes, 2);
    expect(a2?.bits).toEqual(a.bits);
    expect(b2?.mask).toBe(b.mask);
    expect(hasPiece(b2 as typeof b, pieceHash('é2999'))).toBe(true);
    expect(() => unpackPieceFilters(bytes, 3)).toThrow(RangeError);
    expect(() => unpackPieceFilters(bytes.subarray(0, bytes.length - 4), 2)).toThrow(RangeError);
    expect(() => unpackPieceFilters(new Uint8Array([...bytes, 0, 0, 0, 0]), 2)).toThrow(/trailing/);
    expect(() => unpackPieceFilters(bytes.subarray(0, 6), 1)).toThrow(RangeError);
  });

  // The committed file against a rebuild from the shipped vocabularies: a rebuilt
  // vocabulary without rebuilt filters (or a hand-edited filter) fails here.
  it('data/piece-filters.bin is what scripts/build-piece-filters.ts builds from the vocabularies', () => {
    expect(Buffer.compare(Buffer.from(pieceFilterFile()), readDataBinary('piece-filters.bin'))).toBe(0);
  });

  it.each(REFERENCE_VOCABULARIES)('%s: the shipped filter holds every piece and prefix it lists', (v) => {
    const pieces = vocabularyPieces(v);
    const filter = pieceFilterFor(v);
    expect(pieces.length).toBeGreaterThan(1000);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(PIECE_MAX_LENGTH);
      if (!hasPiece(filter, pieceHash(p))) expect.fail(`${v}: missing piece ${JSON.stringify(p)}`);
    }
  });

  it('lists tokens of one script with a non-ASCII letter, and their prefixes', () => {
    const pieces = new Set(vocabularyPieces('o200k_base'));
    expect(pieces.has(' для')).toBe(true); // a token with its leading space
    expect(pieces.has(' дл')).toBe(true); // … and its prefix, a token or not
    expect(pieces.has('ения')).toBe(true);
    for (const p of pieces) {
      expect(p).toMatch(/[^\x00-\x7f]/);
      expect(p.slice(1)).not.toMatch(/ /);
    }
  });
});
