// Sentencepiece-derived BPE (Gemma 3, Mistral v1) without a hash table of its
// merge pairs (Gemma 3 lists 514,906). HF's converter lists, for every token,
// each split of it into two vocabulary tokens. So a pair (a, b) is identified by
// its merged token t = a+b and the byte offset of the split: the file stores,
// per token, its listed splits as one Int32 each, `rank << 8 | byte offset`.
// Verified against the merge list when the file is built, and by the parity suite.
import type { CompactVocab } from './compact-vocab.js';

export class SplitRankMerger {
  // Scratch arrays reused across pieces (grown on demand): no allocation per word.
  private next = new Int32Array(256);
  private prev = new Int32Array(256);
  private alive = new Uint8Array(256);
  private hr = new Int32Array(256);
  private hp = new Int32Array(256);
  private he = new Int32Array(256);

  constructor(
    private readonly vocab: CompactVocab,
    private readonly splitStart: Int32Array,
    private readonly splits: Int32Array,
  ) {}

  /** HF rank of merging parts [s,m) and [m,e), or -1 when they do not merge. */
  rank(buf: Uint8Array, s: number, m: number, e: number): number {
    const t = this.vocab.lookup(buf, s, e);
    if (t === -1) return -1;
    const offset = m - s;
    const end = this.splitStart[t + 1]!;
    for (let i = this.splitStart[t]!; i < end; i++) {
      const packed = this.splits[i]!;
      if ((packed & 0xff) === offset) return packed >> 8;
    }
    return -1;
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
    if (this.next.length < len + 1) {
      this.next = new Int32Array(len * 2 + 1);
      this.prev = new Int32Array(len * 2 + 1);
      this.alive = new Uint8Array(len * 2 + 1);
    }
    // Linked list over byte positions: next[p] is the start of the part after the part starting at p.
    const { next, prev, alive } = this;
    prev.fill(-1, 0, len + 1);
    alive.fill(0, 0, len + 1);
    for (let i = 0; i < parts; i++) {
      next[starts[i]!] = starts[i + 1]!;
      alive[starts[i]!] = 1;
      if (i > 0) prev[starts[i]!] = starts[i - 1]!;
    }
    let { hr, hp, he } = this;
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
        this.hr = hr = grow(hr);
        this.hp = hp = grow(hp);
        this.he = he = grow(he);
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
