// The tournament-tree merge loops (byte-range-merge.ts for the tiktoken and sentencepiece
// rules, pair-merges.ts for HF merges) against the plain BPE rule on random pieces over the
// real vocabulary files: the tiktoken scan (scan-merge.ts, the short-piece path) for ranks and
// splits, and a naive lowest-(rank, position) loop over id arrays for merges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allTranscriptTexts } from '../../test/corpus.js';
import { readDataBinary } from '../data-files.js';
import { ByteRangeMerger } from './byte-range-merge.js';
import { type LeanVocabulary, readLeanFile } from './lean-file.js';
import { type PairMerges, treeMerge } from './pair-merges.js';
import { type RankOf, scanMerge } from './scan-merge.js';
import { SplitRankMerger } from './split-merge.js';

const corpus = allTranscriptTexts().join('\n');
const encoder = new TextEncoder();

/** Pieces that merge a lot: runs over small alphabets (letters, digits, CJK, emoji, spaces) and real text cut anywhere. */
const piece = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: 2, maxLength: 700 }),
  fc.string({ unit: fc.constantFrom(...'etaoin shrdlu'), minLength: 2, maxLength: 700 }),
  fc.string({ unit: fc.constantFrom(...'0123456789=-_ \n'), minLength: 2, maxLength: 500 }),
  fc.string({
    unit: fc.constantFrom('中', '文', '日', '本', '語', '😀', '👍🏽', 'é', 'a'),
    minLength: 2,
    maxLength: 300,
  }),
  fc
    .tuple(fc.nat({ max: Math.max(0, corpus.length - 1) }), fc.integer({ min: 2, max: 700 }))
    .map(([at, n]) => corpus.slice(at, at + n))
    .filter((s) => s.length >= 2),
);
const RUNS = { numRuns: 120, seed: 20261202 };

const load = (name: string): LeanVocabulary => readLeanFile(readDataBinary(`${name}.bin`));

/** Parts and ids of `buf` after `merge`; `starts` is consumed. */
function byTree(
  buf: Uint8Array,
  starts: Int32Array,
  parts: number,
  rankOf: RankOf,
  idOf: (s: number, e: number) => number,
) {
  const ids: number[] = [];
  const partStarts: number[] = [];
  const count = new ByteRangeMerger().merge(buf, starts, parts, rankOf, idOf, ids, null, partStarts);
  return { count, ids, partStarts };
}

function byScan(
  buf: Uint8Array,
  starts: Int32Array,
  parts: number,
  rankOf: RankOf,
  idOf: (s: number, e: number) => number,
) {
  const count = scanMerge(buf, starts, new Int32Array(parts + 1), parts, rankOf);
  const partStarts = Array.from(starts.subarray(0, count));
  const ids = partStarts.map((s, i) => idOf(s, starts[i + 1]!));
  return { count, ids, partStarts };
}

describe('tree merge = scan merge, over the real vocabularies', () => {
  it.each(['o200k_base', 'cl100k_base', 'llama3', 'tekken'])('%s (tiktoken rule)', (name) => {
    const { vocab } = load(name);
    const rankOf: RankOf = (b, s, _m, e) => vocab.lookup(b, s, e);
    // The long-piece path asks through the bitmap filter.
    const filtered: RankOf = (b, s, _m, e) => vocab.lookupFiltered(b, s, e);
    fc.assert(
      fc.property(piece, (text) => {
        const buf = encoder.encode(text);
        const identity = () => Int32Array.from({ length: buf.length + 1 }, (_, i) => i);
        const idOf = (s: number, e: number) => vocab.lookup(buf, s, e);
        expect(byTree(buf, identity(), buf.length, filtered, idOf)).toEqual(
          byScan(buf, identity(), buf.length, rankOf, idOf),
        );
      }),
      RUNS,
    );
  });

  it.each(['gemma3', 'mistral_v1'])('%s (sentencepiece splits)', (name) => {
    const data = load(name);
    const splits = new SplitRankMerger(data.vocab, data.splitStart!, data.splits!);
    const rankOf: RankOf = (b, s, m, e) => splits.rank(b, s, m, e);
    fc.assert(
      fc.property(piece, (text) => {
        const buf = encoder.encode(text);
        // Whole characters where the vocabulary has them, else single bytes (as the engine starts).
        const first: number[] = [];
        for (let i = 0; i < buf.length; ) {
          const b = buf[i]!;
          const width = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
          if (data.vocab.lookup(buf, i, i + width) !== -1) first.push(i);
          else for (let k = i; k < i + width; k++) first.push(k);
          i += width;
        }
        const starts = () => Int32Array.from([...first, buf.length]);
        const idOf = (s: number, e: number) => data.vocab.lookup(buf, s, e);
        expect(byTree(buf, starts(), first.length, rankOf, idOf)).toEqual(
          byScan(buf, starts(), first.length, rankOf, idOf),
        );
      }),
      RUNS,
    );
  });

  it('deepseek_v3 (HF merges on ids)', () => {
    const data = load('deepseek_v3');
    const merges = data.merges as PairMerges;
    const { byteIds } = data.settings;
    /** The BPE rule itself: merge the lowest-rank pair, leftmost on ties, until none merges. */
    const naive = (ids: number[]) => {
      const out = [...ids];
      for (;;) {
        let at = -1;
        let best = 0;
        for (let i = 0; i + 1 < out.length; i++) {
          const slot = merges.find(out[i]!, out[i + 1]!);
          if (slot !== -1 && (at === -1 || merges.rank(slot) < best)) {
            at = i;
            best = merges.rank(slot);
          }
        }
        if (at === -1) return out;
        out.splice(at, 2, merges.merged(merges.find(out[at]!, out[at + 1]!)));
      }
    };
    fc.assert(
      fc.property(piece, (text) => {
        const ids = Array.from(encoder.encode(text), (b) => byteIds[b]!);
        const out: number[] = [];
        const count = treeMerge(merges, Int32Array.from(ids), ids.length, out);
        const expected = naive(ids);
        expect(out).toEqual(expected);
        expect(count).toBe(expected.length);
      }),
      RUNS,
    );
  });
});

describe('PackedVocab.lookupFiltered = lookup', () => {
  it.each(['o200k_base', 'llama3', 'gemma3', 'deepseek_v3'])(
    '%s: every token, and random byte strings',
    (name) => {
      const { vocab } = load(name);
      let tokens = 0;
      for (let r = 0; r < vocab.size; r++) {
        const bytes = vocab.tokenBytes(r);
        if (bytes.length === 0) continue;
        tokens++;
        if (vocab.lookupFiltered(bytes, 0, bytes.length) !== vocab.lookup(bytes, 0, bytes.length))
          throw new Error(`token ${r} differs`);
      }
      expect(tokens).toBeGreaterThan(100_000);
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 8 }), piece, (raw, text) => {
          for (const buf of [raw, encoder.encode(text).subarray(0, 6)])
            expect(vocab.lookupFiltered(buf, 0, buf.length)).toBe(vocab.lookup(buf, 0, buf.length));
        }),
        { numRuns: 2000, seed: 20261202 },
      );
    },
  );
});

describe('PairMerges.findFiltered = find', () => {
  it('deepseek_v3: every rule, and random id pairs', () => {
    const merges = load('deepseek_v3').merges as PairMerges;
    const { keys } = merges;
    let rules = 0;
    for (let i = 0; i < keys.length / 2; i++) {
      const a = keys[i * 2]!;
      if (a === -1) continue;
      rules++;
      const b = keys[i * 2 + 1]!;
      if (merges.findFiltered(a, b) !== merges.find(a, b)) throw new Error(`rule ${a} ${b} differs`);
    }
    expect(rules).toBeGreaterThan(100_000);
    fc.assert(
      fc.property(fc.nat({ max: 130_000 }), fc.nat({ max: 130_000 }), (a, b) => {
        expect(merges.findFiltered(a, b)).toBe(merges.find(a, b));
      }),
      { numRuns: 5000, seed: 20261202 },
    );
  });
});
