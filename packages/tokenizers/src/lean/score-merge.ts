// Sentencepiece-derived BPE (Gemma 3, Mistral v1) without a hash table of its
// merge pairs (Gemma 3 lists 514,906). HF's converter lists, for every token,
// each split of it into two vocabulary tokens. So a pair (a, b) is identified by
// its merged token t = a+b and the split position: the file stores, per token,
// the ranks of its valid splits in split-position order (-1 for a split the
// list leaves out), and the engine finds a pair's rank by counting the valid
// split points before it. Verified against the merge list when the file is
// built, and by the parity suite.
import type { CompactVocab } from './compact-vocab.js';

const isCharStart = (b: number) => (b & 0xc0) !== 0x80;

export class SplitRankMerger {
  constructor(
    private readonly vocab: CompactVocab,
    private readonly splitStart: Int32Array,
    private readonly splitRanks: Int32Array,
  ) {}

  /** HF rank of merging parts [s,m) and [m,e), or -1 when they do not merge. */
  rank(buf: Uint8Array, s: number, m: number, e: number): number {
    const { vocab } = this;
    const t = vocab.lookup(buf, s, e);
    if (t === -1) return -1;
    const base = this.splitStart[t]!;
    const count = this.splitStart[t + 1]! - base;
    if (count === 0) return -1;
    let k = 0;
    if (count > 1) {
      for (let p = s + 1; p < m; p++) {
        if (isCharStart(buf[p]!) && vocab.lookup(buf, s, p) !== -1 && vocab.lookup(buf, p, e) !== -1) k++;
      }
    }
    return k < count ? this.splitRanks[base + k]! : -1;
  }

  /**
   * Merges the parts that start at `starts` (ascending, ending with `len`) of
   * `buf`; returns the part count and pushes each part's id (via `idOf`) if asked.
   */
  merge(
    buf: Uint8Array,
    starts: Int32Array,
    parts: number,
    out: number[] | null,
    idOf: (s: number, e: number) => number,
  ): number {
    const len = starts[parts]!;
    // Linked list over byte positions: next[p] is the start of the part after the part starting at p.
    const next = new Int32Array(len + 1);
    const prev = new Int32Array(len + 1).fill(-1);
    const alive = new Uint8Array(len + 1);
    for (let i = 0; i < parts; i++) {
      next[starts[i]!] = starts[i + 1]!;
      alive[starts[i]!] = 1;
      if (i > 0) prev[starts[i]!] = starts[i - 1]!;
    }
    let hr = new Int32Array(Math.max(parts, 4));
    let hp = new Int32Array(hr.length);
    let he = new Int32Array(hr.length);
    let size = 0;
    const less = (x: number, y: number) => hr[x]! < hr[y]! || (hr[x] === hr[y] && hp[x]! < hp[y]!);
    const swap = (x: number, y: number) => {
      let t = hr[x]!;
      hr[x] = hr[y]!;
      hr[y] = t;
      t = hp[x]!;
      hp[x] = hp[y]!;
      hp[y] = t;
      t = he[x]!;
      he[x] = he[y]!;
      he[y] = t;
    };
    const grow = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    const push = (s: number) => {
      const m = next[s]!;
      if (m >= len) return;
      const e = next[m]!;
      const rank = this.rank(buf, s, m, e);
      if (rank === -1) return;
      if (size === hr.length) {
        hr = grow(hr);
        hp = grow(hp);
        he = grow(he);
      }
      let i = size++;
      hr[i] = rank;
      hp[i] = s;
      he[i] = e;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!less(i, p)) break;
        swap(i, p);
        i = p;
      }
    };
    const pop = () => {
      size--;
      if (size === 0) return;
      swap(0, size);
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < size && less(l, m)) m = l;
        if (r < size && less(r, m)) m = r;
        if (m === i) break;
        swap(i, m);
        i = m;
      }
    };
    for (let i = 0; i < parts - 1; i++) push(starts[i]!);
    let count = parts;
    while (size > 0) {
      const s = hp[0]!;
      const e = he[0]!;
      pop();
      const m = next[s]!;
      if (!alive[s] || m >= len || next[m] !== e) continue; // stale
      alive[m] = 0;
      next[s] = e;
      if (e < len) prev[e] = s;
      count--;
      if (prev[s]! >= 0) push(prev[s]!);
      push(s);
    }
    if (out) for (let p = starts[0]!; p < len; p = next[p]!) out.push(idOf(p, next[p]!));
    return count;
  }
}
