import { isCtxkitError } from '@ctxkit/core';
import { describe, expect, it } from 'vitest';
import { readDataBinary } from '../data-files.js';
import { AddedTokens } from './added-tokens.js';
import { LeanEngine } from './lean-engine.js';
import { readLeanFile, writeLeanFile } from './lean-file.js';
import { PackedVocab } from './packed-vocab.js';
import { mergeIds, PairMerges } from './pair-merges.js';

const bytes = (s: string) => new TextEncoder().encode(s);

/** What `AddedTokens.split` reports, in order: ordinary text as strings, added tokens as ids. */
function pieces(added: AddedTokens, text: string): (string | number)[] {
  const seen: (string | number)[] = [];
  added.split(
    text,
    (s) => seen.push(s),
    (id) => seen.push(id),
  );
  return seen;
}

describe('PackedVocab', () => {
  it('finds every token by its bytes and nothing else', () => {
    const tokens = ['a', 'b', 'ab', 'abc', 'é', '👍'].map(bytes);
    const v = PackedVocab.build(tokens);
    tokens.forEach((t, id) => expect(v.lookup(t, 0, t.length)).toBe(id));
    expect(v.lookup(bytes('ba'), 0, 2)).toBe(-1);
    expect(v.lookup(bytes('xabx'), 1, 3)).toBe(2);
  });
  it('keeps the lowest id for duplicate byte strings and allows holes', () => {
    const v = PackedVocab.build([bytes('x'), undefined, bytes('x')]);
    expect(v.lookup(bytes('x'), 0, 1)).toBe(0);
    expect(v.size).toBe(3);
  });
});

describe('merge rules', () => {
  it('merges lowest rank first, leftmost on ties', () => {
    // ids: a=0 b=1 ab=2 ba=3; rules: (b,a)->ba rank 0, (a,b)->ab rank 1
    const merges = PairMerges.build([
      [1, 0, 3],
      [0, 1, 2],
    ]);
    const out: number[] = [];
    mergeIds(merges, Int32Array.from([0, 1, 0, 1]), 4, out); // a b a b -> a (ba) b
    expect(out).toEqual([0, 3, 1]);
  });
});

describe('AddedTokens', () => {
  it('cuts added tokens out leftmost-longest', () => {
    const added = new AddedTokens([
      { content: '\n', id: 1 },
      { content: '\n\n', id: 2 },
      { content: '<tool_call>', id: 3 },
    ]);
    expect(pieces(added, 'a\n\n\nb<tool_call><tool')).toEqual(['a', 2, 1, 'b', 3, '<tool']);
  });

  it('matches runs by their longest listed length and mixed prefixes longest first', () => {
    // Spaces: only runs of 2 and 4 are tokens; '<' starts a one-unit token and longer ones.
    const added = new AddedTokens([
      { content: '  ', id: 2 },
      { content: '    ', id: 4 },
      { content: '<', id: 10 },
      { content: '<a>', id: 11 },
      { content: '<ab>', id: 12 },
      { content: 'é', id: 13 },
    ]);
    // 7 spaces → 4, 2, then a lone space (no 1-run token) stays ordinary text.
    expect(pieces(added, 'x       y <ab><a><b é')).toEqual(['x', 4, 2, ' y ', 12, 11, 10, 'b ', 13]);
  });

  it('confirms tokens through the vocabulary only under their own id', () => {
    // '<a>' is vocabulary id 0; '<b>' is vocabulary id 1 but added as 7 (so kept as a string);
    // '<c>' is not in the vocabulary; '<d>' is in the vocabulary but not an added token.
    const vocab = PackedVocab.build([bytes('<a>'), bytes('<b>'), bytes('<d>')]);
    const added = new AddedTokens(
      [
        { content: '<a>', id: 0 },
        { content: '<b>', id: 7 },
        { content: '<c>', id: 9 },
      ],
      vocab,
    );
    expect(pieces(added, '<a><b><c><d>')).toEqual([0, 7, 9, '<d>']);
  });
});

describe('vocabulary files', () => {
  it('round-trip through the file format', () => {
    const vocab = PackedVocab.build(['a', 'b', 'ab', ' '].map(bytes));
    const settings = {
      mode: 'rank' as const,
      symbols: 'bytes' as const,
      splits: ['\\S+|\\s+'],
      splitMode: 'tiktoken' as const,
      wholePiece: true,
      added: [],
      idOffset: 10,
      byteIds: [],
    };
    const file = writeLeanFile({
      vocab,
      merges: undefined,
      splitStart: undefined,
      splits: undefined,
      settings,
    });
    const engine = new LeanEngine(readLeanFile(file));
    expect(engine.encode('ab ba')).toEqual([12, 13, 11, 10]); // ids shifted by idOffset
    expect(engine.count('abab')).toBe(2);
  });
  it('rejects a corrupt or truncated file with a clear error', () => {
    expect(() => readLeanFile(new Uint8Array(8))).toThrow(/too short/);
    expect(() => readLeanFile(new Uint8Array(64))).toThrow(/bad magic/);
    const real = readDataBinary('mistral_v1.bin');
    expect(() => readLeanFile(real.subarray(0, real.length - 100))).toThrow(/truncated/);
  });
  it('loads a shipped vocabulary as views over one buffer', () => {
    const file = readDataBinary('o200k_base.bin');
    const data = readLeanFile(file);
    expect(data.vocab.size).toBe(199_998);
    expect(data.vocab.bytes.buffer).toBe(data.vocab.table.buffer);
    expect(data.fileBytes).toBe(file.length);
  });
});

describe('scratch memory', () => {
  // One huge word (a pasted minified file) grows every scratch buffer of the merge; before these
  // were given back, 45–62 MB stayed resident per engine after a single 1 MB word.
  it.each(['o200k_base', 'gemma3', 'deepseek_v3'])('%s keeps no long-piece scratch after a call', (name) => {
    const engine = new LeanEngine(readLeanFile(readDataBinary(`${name}.bin`)));
    engine.count('warm up');
    const before = engine.scratchBytes;
    const word = 'abcdefghij'.repeat(20_000); // 200 KB, one piece
    const n = engine.count(word);
    expect(n).toBeGreaterThan(10_000);
    expect(engine.scratchBytes).toBeLessThan(before + 1_000_000);
    expect(engine.encode(word).length).toBe(n);
    expect(engine.scratchBytes).toBeLessThan(before + 1_000_000);
    expect(engine.residentBytes).toBeGreaterThanOrEqual(engine.data.fileBytes + engine.scratchBytes);
  });
});

describe('resident bytes', () => {
  // A long piece builds lookup tables from the vocabulary (a bitmap, the 2–4-byte tables of
  // `PackedVocab.lookupLong`) that stay for the next one; `residentBytes` must say so.
  it('include the tables the first long piece builds', () => {
    const engine = new LeanEngine(readLeanFile(readDataBinary('o200k_base.bin')));
    engine.count('warm up');
    const before = engine.residentBytes;
    let x = 1;
    let word = '';
    for (let i = 0; i < 20_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      word += String.fromCharCode(97 + ((x >>> 8) % 26));
    }
    expect(engine.count(word)).toBeGreaterThan(5_000);
    const derived = engine.data.vocab.derivedBytes;
    expect(derived).toBeGreaterThan(1_000_000);
    expect(engine.residentBytes).toBeGreaterThanOrEqual(before + derived);
  });
});

describe('a pre-token longer than the regexp engine can match', () => {
  // 5 M characters of CJK are one letters piece of the tiktoken-style pattern, whose two
  // overlapping classes V8 must be able to backtrack over: its regexp stack overflows.
  it('counts or throws a typed UNSUPPORTED error, never a RangeError', () => {
    const engine = new LeanEngine(readLeanFile(readDataBinary('o200k_base.bin')));
    const text = '中'.repeat(5_000_000);
    let outcome: string;
    try {
      outcome = engine.count(text) === 5_000_000 ? 'counted' : 'miscounted';
    } catch (e) {
      outcome = isCtxkitError(e, 'UNSUPPORTED') ? 'typed' : `untyped ${String(e)}`;
    }
    expect(['counted', 'typed']).toContain(outcome);
  });
});
