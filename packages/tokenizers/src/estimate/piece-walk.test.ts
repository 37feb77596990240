import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REFERENCE_VOCABULARIES } from '../../scripts/lib/reference.js';
import { pieceFilterFor } from './estimator-data.js';
import { extractFeatures, FEATURE_COUNT, FEATURE_NAMES } from './features.js';
import { buildPieceFilter, PIECE_MAX_LENGTH, type PieceFilter } from './piece-filter.js';

const PIECE_FEATURES = FEATURE_NAMES.filter((n) => n.endsWith('Pieces'));
const at = (n: (typeof FEATURE_NAMES)[number]) => FEATURE_NAMES.indexOf(n);
const pieces = (text: string, filter: PieceFilter, name: (typeof FEATURE_NAMES)[number]) =>
  extractFeatures(text, new Float64Array(FEATURE_COUNT), undefined, filter)[at(name)];

// A filter that knows one word and its prefixes, with and without a leading space.
const toy = buildPieceFilter([
  ...['жи', 'жив', 'живо', 'живот'].flatMap((p) => [p, ` ${p}`]),
  ' ж',
  'ов',
  'Gö',
  ' Gö',
  ' Göt',
  'öö',
]);

describe('piece walk', () => {
  it('grows a piece while the filter holds it, and starts another where it does not', () => {
    expect(pieces(' живот', toy, 'cyrillicPieces')).toBe(1);
    expect(pieces(' животы', toy, 'cyrillicPieces')).toBe(2);
    expect(pieces(' живот живов', toy, 'cyrillicPieces')).toBe(1 + 2); // живо|в: "живов" is not held
    expect(pieces('.ыыы', toy, 'cyrillicPieces')).toBe(3);
  });

  it('counts no pieces without a filter', () => {
    const f = extractFeatures(' живот Götter', new Float64Array(FEATURE_COUNT));
    for (const n of PIECE_FEATURES) expect(f[at(n)]).toBe(0);
  });

  it('walks a Latin run only when it holds a non-ASCII letter, not counting its first piece', () => {
    expect(pieces(' Gotter and more', toy, 'latinPieces')).toBe(0);
    expect(pieces(' Götter', toy, 'latinPieces')).toBe(1); // Göt|ter: ASCII pieces grow freely
    expect(pieces(' Gööt', toy, 'latinPieces')).toBe(2); // Gö|öö|t: " Göö" is not held
  });

  it('caps a piece at PIECE_MAX_LENGTH code units', () => {
    const long = `.${'a'.repeat(PIECE_MAX_LENGTH * 2)}é`;
    expect(pieces(long, toy, 'latinPieces')).toBe(2); // 16 + 16 ASCII, then é: three pieces, less the first
  });

  it('prices a run that begins the text at its fewest pieces over every possible crossing piece', () => {
    // Mid-text "животы" is живот|ы; a piece from text before it could end anywhere in
    // its first PIECE_MAX_LENGTH − 1 letters, even cover it all: it counts 1.
    expect(pieces('животы', toy, 'cyrillicPieces')).toBe(1);
    const long = 'ы'.repeat(PIECE_MAX_LENGTH + 4);
    // Every letter is its own piece; the crossing piece can take at most 15 of them.
    expect(pieces(`.${long}`, toy, 'cyrillicPieces')).toBe(long.length);
    expect(pieces(long, toy, 'cyrillicPieces')).toBe(long.length - (PIECE_MAX_LENGTH - 1) + 1);
  });

  // The property the start-of-text rule exists for, feature by feature, with the real
  // filters: joining text never lowers a pieces count of either part. Both parts come
  // from one script's syllables, so the join falls inside a word.
  const SYLLABLES = [
    ['при', 'вет', 'ения', 'ного', 'ст', 'о', 'ы', 'ль'],
    ['ال', 'مت', 'حد', 'ة', 'ي', 'ن', 'و'],
    ['ไทย', 'ภาษา', 'ของ', 'ที่', 'า', 'ก'],
    ['है', 'में', 'क', 'ा', 'न'],
    ['Grö', 'ße', 'ção', 'é', 'und', 'ş', 'ık', 'er', 'a'],
    ['ά', 'νη', 'σ', 'ου', 'של', 'ים', '한국', '어'],
  ];
  const part = (syllables: string[]) =>
    fc.array(fc.constantFrom(...syllables, ' ', '_', '1'), { maxLength: 24 }).map((p) => p.join(''));
  const text = fc.constantFrom(...SYLLABLES).chain((syllables) => fc.tuple(part(syllables), part(syllables)));
  it.each(REFERENCE_VOCABULARIES)('%s: joining text never lowers a pieces count', (v) => {
    const filter = pieceFilterFor(v);
    const count = (t: string) => extractFeatures(t, new Float64Array(FEATURE_COUNT), undefined, filter);
    fc.assert(
      fc.property(text, ([a, b]) => {
        const [fa, fb, fab] = [count(a), count(b), count(a + b)];
        for (const n of PIECE_FEATURES) {
          expect(fab[at(n)]).toBeGreaterThanOrEqual(fa[at(n)] as number);
          expect(fab[at(n)]).toBeGreaterThanOrEqual(fb[at(n)] as number);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
