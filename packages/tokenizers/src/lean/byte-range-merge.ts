// BPE over byte ranges of a buffer: parts start at given offsets; adjacent parts
// [s,m) and [m,e) merge in the order of `rankOf(s, m, e)` (lowest first,
// leftmost on ties) until no pair has a rank. A linked list over byte offsets
// and a tournament tree (merge-tree.ts) make it O(n log n), so a 1 MB
// single-word piece is fine. Used by the tiktoken rule for long pieces and by
// the sentencepiece splits rule.

import type { MergeHistory } from './merge-history.js';
import { MergeTree, SCRATCH_KEPT } from './merge-tree.js';

/** Reusable scratch state for {@link ByteRangeMerger.merge}. */
export class ByteRangeMerger {
  private next = new Int32Array(256);
  private prev = new Int32Array(256);
  private readonly tree = new MergeTree();

  /**
   * Merges the parts of `buf` that start at `starts[0..parts)` (ascending; `starts[parts]` is the
   * end). Returns the final part count and pushes `idOf(s, e)` of each part to `out` if given.
   * `history`, if given, records the run: its edge tokens are the end offset of the first part
   * and the start offset of the last. `partStarts`, if given, receives the start of every final part.
   */
  merge(
    buf: Uint8Array,
    starts: Int32Array,
    parts: number,
    rankOf: (buf: Uint8Array, s: number, m: number, e: number) => number,
    idOf: (s: number, e: number) => number,
    out: number[] | null,
    history: MergeHistory | null = null,
    partStarts: number[] | null = null,
  ): number {
    const len = starts[parts]!;
    if (this.next.length < len + 1) {
      this.next = new Int32Array(len * 2 + 1);
      this.prev = new Int32Array(len * 2 + 1);
    }
    // next[p] is where the part after the part starting at p starts.
    const { next, prev, tree } = this;
    prev.fill(-1, 0, len + 1);
    for (let i = 0; i < parts; i++) {
      next[starts[i]!] = starts[i + 1]!;
      if (i > 0) prev[starts[i]!] = starts[i - 1]!;
    }
    /** Rank of the pair starting at part `s`, or -1. */
    const pairRank = (s: number) => {
      const m = next[s]!;
      return m >= len ? -1 : rankOf(buf, s, m, next[m]!);
    };
    tree.reset(len);
    for (let i = 0; i < parts - 1; i++)
      tree.init(starts[i]!, rankOf(buf, starts[i]!, starts[i + 1]!, starts[i + 2]!));
    tree.build();
    let count = parts;
    const first = starts[0]!;
    history?.reset(starts[1]!, starts[parts - 1]!);
    while (!tree.empty) {
      const s = tree.topPos();
      const rank = tree.topRank();
      const m = next[s]!;
      const e = next[m]!;
      tree.set(m, -1);
      next[s] = e;
      if (e < len) prev[e] = s;
      count--;
      history?.step(rank, next[first]!, e === len ? s : history.last[history.steps]!);
      if (prev[s]! >= 0) tree.set(prev[s]!, pairRank(prev[s]!));
      tree.set(s, pairRank(s));
    }
    if (out) for (let p = starts[0]!; p < len; p = next[p]!) out.push(idOf(p, next[p]!));
    if (partStarts) for (let p = starts[0]!; p < len; p = next[p]!) partStarts.push(p);
    this.release();
    return count;
  }

  /** Bytes of scratch held between pieces. */
  get scratchBytes(): number {
    return this.next.byteLength + this.prev.byteLength + this.tree.byteLength;
  }

  /** Gives back scratch a long piece grew, so one huge word does not stay resident. */
  private release(): void {
    this.tree.release();
    if (this.next.length <= SCRATCH_KEPT) return;
    this.next = new Int32Array(256);
    this.prev = new Int32Array(256);
  }
}
