// tiktoken's merge rule on byte ranges of a CompactVocab: repeatedly merge the
// adjacent pair whose merged bytes have the lowest rank, leftmost on ties,
// allocating no strings. Short pieces use tiktoken's own scan on typed arrays;
// long ones a heap with the same order (a 1 MB line of letters is one piece).
import type { CompactVocab } from './compact-vocab.js';

/** Pieces up to this many bytes use the simple scan; longer ones the heap (O(n log n)). */
const SCAN_LIMIT = 128;

export class RankMerger {
  private starts = new Int32Array(SCAN_LIMIT + 1);
  private ranks = new Int32Array(SCAN_LIMIT + 1);

  constructor(readonly vocab: CompactVocab) {}

  /** Merges `buf[0..len)`; returns the token count and pushes the ranks to `out` if given. */
  merge(buf: Uint8Array, len: number, out: number[] | null): number {
    return len <= SCAN_LIMIT ? this.scanMerge(buf, len, out) : this.heapMerge(buf, len, out);
  }

  /** tiktoken's reference loop on typed arrays; returns the part count and pushes ranks if asked. */
  private scanMerge(buf: Uint8Array, len: number, out: number[] | null): number {
    const { vocab, starts, ranks } = this;
    let parts = len; // parts i = [starts[i], starts[i+1])
    for (let i = 0; i <= len; i++) starts[i] = i;
    for (let i = 0; i < parts - 1; i++) ranks[i] = vocab.lookup(buf, starts[i]!, starts[i + 2]!);
    while (parts > 1) {
      let min = -1;
      let at = -1;
      for (let i = 0; i < parts - 1; i++) {
        const r = ranks[i]!;
        if (r !== -1 && (min === -1 || r < min)) {
          min = r;
          at = i;
        }
      }
      if (at === -1) break;
      // merge part at with at+1
      starts.copyWithin(at + 1, at + 2, parts + 1);
      ranks.copyWithin(at, at + 1, parts - 1);
      parts--;
      if (at > 0) ranks[at - 1] = vocab.lookup(buf, starts[at - 1]!, starts[at + 1]!);
      if (at < parts - 1) ranks[at] = vocab.lookup(buf, starts[at]!, starts[at + 2]!);
    }
    if (out) for (let i = 0; i < parts; i++) out.push(vocab.lookup(buf, starts[i]!, starts[i + 1]!));
    return parts;
  }

  /**
   * The same merge order with a binary heap of (rank, position) and a linked
   * list of parts, for long pieces (a 1 MB line of letters is one piece).
   */
  private heapMerge(buf: Uint8Array, len: number, out: number[] | null): number {
    const { vocab } = this;
    const next = new Int32Array(len + 1);
    const prev = new Int32Array(len + 1);
    const alive = new Uint8Array(len + 1);
    for (let i = 0; i <= len; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
      alive[i] = 1;
    }
    // heap entries: rank * 2^21 + position would overflow; keep two parallel arrays.
    let hr = new Int32Array(len);
    let hp = new Int32Array(len);
    let hs = new Int32Array(len); // end of the right part when pushed (validity check)
    let size = 0;
    const less = (a: number, b: number) => hr[a]! < hr[b]! || (hr[a] === hr[b] && hp[a]! < hp[b]!);
    const swap = (a: number, b: number) => {
      const r = hr[a]!,
        p = hp[a]!,
        s = hs[a]!;
      hr[a] = hr[b]!;
      hp[a] = hp[b]!;
      hs[a] = hs[b]!;
      hr[b] = r;
      hp[b] = p;
      hs[b] = s;
    };
    const push = (rank: number, pos: number, end: number) => {
      if (size === hr.length) {
        const grow = (a: Int32Array) => {
          const b = new Int32Array(a.length * 2);
          b.set(a);
          return b;
        };
        hr = grow(hr);
        hp = grow(hp);
        hs = grow(hs);
      }
      let i = size++;
      hr[i] = rank;
      hp[i] = pos;
      hs[i] = end;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!less(i, p)) break;
        swap(i, p);
        i = p;
      }
    };
    const pop = () => {
      size--;
      if (size > 0) {
        swap(0, size);
        let i = 0;
        for (;;) {
          const l = 2 * i + 1,
            r = l + 1;
          let m = i;
          if (l < size && less(l, m)) m = l;
          if (r < size && less(r, m)) m = r;
          if (m === i) break;
          swap(i, m);
          i = m;
        }
      }
    };
    const pairAt = (pos: number) => {
      const mid = next[pos]!;
      if (mid >= len) return;
      const end = next[mid]!;
      const rank = vocab.lookup(buf, pos, end);
      if (rank !== -1) push(rank, pos, end);
    };
    for (let i = 0; i < len - 1; i++) pairAt(i);
    let parts = len;
    while (size > 0) {
      const pos = hp[0]!,
        end = hs[0]!;
      pop();
      // stale if either part changed since the push
      if (!alive[pos] || next[pos]! >= len || next[next[pos]!]! !== end) continue;
      const mid = next[pos]!;
      alive[mid] = 0;
      next[pos] = end;
      if (end <= len) prev[end] = pos;
      parts--;
      if (prev[pos]! >= 0) pairAt(prev[pos]!);
      pairAt(pos);
    }
    if (out) for (let i = 0; i < len; i = next[i]!) out.push(vocab.lookup(buf, i, next[i]!));
    return parts;
  }
}
