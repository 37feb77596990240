import { describe, expect, it } from 'vitest';
import { scanMerge } from './scan-merge.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('scanMerge', () => {
  it('merges the lowest rank first, leftmost on ties, until no pair merges', () => {
    // Toy ranks over ASCII: "ab" 0, "ba" 1, "abab" 2; nothing else merges.
    const rankOf = (buf: Uint8Array, s: number, _m: number, e: number) => {
      const text = new TextDecoder().decode(buf.subarray(s, e));
      return ({ ab: 0, ba: 1, abab: 2 } as Record<string, number>)[text] ?? -1;
    };
    const buf = bytes('ababa');
    const starts = Int32Array.from([0, 1, 2, 3, 4, 5]);
    const parts = scanMerge(buf, starts, new Int32Array(8), 5, rankOf);
    // a b a b a → (ab) a b a → (ab)(ab) a → (abab) a
    expect(parts).toBe(2);
    expect([...starts.subarray(0, parts + 1)]).toEqual([0, 4, 5]);
  });

  it('leaves parts alone when no pair has a rank', () => {
    const starts = Int32Array.from([0, 1, 2, 3]);
    const parts = scanMerge(bytes('xyz'), starts, new Int32Array(4), 3, () => -1);
    expect(parts).toBe(3);
    expect([...starts]).toEqual([0, 1, 2, 3]);
  });
});
