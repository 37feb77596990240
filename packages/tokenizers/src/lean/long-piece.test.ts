import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteRangeMerger } from './byte-range-merge.js';
import { CHUNK_SYMBOLS, type ChunkMerger, LONG_PIECE_SYMBOLS, mergeLongPiece } from './long-piece.js';
import { sameBytes } from './rank-merge.js';

const ids = new Map<string, number>();
const idOf = (token: string) => {
  if (!ids.has(token)) ids.set(token, ids.size);
  return ids.get(token)!;
};

/** A toy BPE over bytes: `ranks` maps a merged string to its rank (a random table below). */
function toyMerger(buf: Uint8Array, ranks: Map<string, number>) {
  const merger = new ByteRangeMerger();
  const decoder = new TextDecoder();
  const rankOf = (b: Uint8Array, s: number, _m: number, e: number) =>
    ranks.get(decoder.decode(b.subarray(s, e))) ?? -1;
  const calls: [number, number][] = [];
  const chunks: ChunkMerger = {
    merge(a, b, history, out, partStarts) {
      calls.push([a, b]);
      const part = buf.subarray(a, b);
      const starts = Int32Array.from({ length: b - a + 1 }, (_, i) => i);
      // A token's id depends on its content only, as in a real vocabulary.
      const id = (s: number, e: number) => idOf(decoder.decode(part.subarray(s, e)));
      return merger.merge(part, starts, b - a, rankOf, id, out, history, partStarts ?? null);
    },
    cross: (la, last, ra, first) => rankOf(buf, la + last, ra, ra + first),
    same: (a, b, c, d) => sameBytes(buf, a, b, c, d),
  };
  const whole = (out: number[]) => chunks.merge(0, buf.length, null, out);
  return { chunks, whole, calls };
}

const bytes = (s: string) => new TextEncoder().encode(s);

/** Random ranks for random strings over `alphabet` of length 2..`maxLength`. */
const rankTable = (alphabet: string, maxLength: number) =>
  fc
    .array(
      fc.tuple(fc.string({ unit: fc.constantFrom(...alphabet), minLength: 2, maxLength }), fc.nat(1000)),
      { minLength: 5, maxLength: 60 },
    )
    .map((entries) => new Map(entries));

describe('mergeLongPiece', () => {
  it('gives the ids of the whole-piece merge on random rules and random or periodic pieces', () => {
    let chunked = 0;
    fc.assert(
      fc.property(
        rankTable('ab', 8),
        fc.oneof(
          fc
            .string({ unit: fc.constantFrom('a', 'b'), minLength: 1, maxLength: 9 })
            .map((u) => u.repeat(Math.ceil(30_000 / u.length))),
          fc
            .array(fc.constantFrom('a', 'b', 'aa', 'ab', 'bbb'), { minLength: 12_000, maxLength: 12_000 })
            .map((p) => p.join('')),
          fc
            .tuple(fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 5 }), fc.nat(20_000))
            .map(([p, n]) => p + 'a'.repeat(n + LONG_PIECE_SYMBOLS)),
        ),
        (ranks, text) => {
          const buf = bytes(text);
          const expected: number[] = [];
          const count = toyMerger(buf, ranks).whole(expected);
          const toy = toyMerger(buf, ranks);
          const ids: number[] = [];
          expect(mergeLongPiece(toy.chunks, buf.length, ids)).toBe(count);
          expect(ids).toEqual(expected);
          expect(mergeLongPiece(toyMerger(buf, ranks).chunks, buf.length, null)).toBe(count);
          if (!toy.calls.some(([a, b]) => a === 0 && b === buf.length)) chunked++;
        },
      ),
      { numRuns: 60, seed: 20261202 },
    );
    expect(chunked).toBeGreaterThan(30);
  });

  it('merges the whole piece when a merge crosses every cut', () => {
    // a…ac merges from its right end into one token: every cut is crossed, and the proof says so.
    const n = 3 * LONG_PIECE_SYMBOLS;
    const ranks = new Map([['aa', 10 * n]]);
    for (let k = 1; k <= n; k++) ranks.set(`${'a'.repeat(k)}c`, k);
    const text = `${'a'.repeat(n)}c`;
    const toy = toyMerger(bytes(text), ranks);
    const out: number[] = [];
    expect(mergeLongPiece(toy.chunks, n + 1, out)).toBe(1);
    expect(out).toEqual([idOf(text)]);
    expect(toy.calls.at(-1)).toEqual([0, n + 1]);
  });

  it('merges a run of one symbol in a few chunks, not as one piece', () => {
    const ranks = new Map([
      ['aa', 0],
      ['aaaa', 1],
      ['aaaaaaaa', 2],
    ]);
    const n = 1_000_000;
    const toy = toyMerger(bytes('a'.repeat(n)), ranks);
    expect(mergeLongPiece(toy.chunks, n, null)).toBe(n / 8);
    const merged = toy.calls.reduce((sum, [a, b]) => sum + (b - a), 0);
    expect(merged).toBeLessThan(10 * CHUNK_SYMBOLS);
  });
});
