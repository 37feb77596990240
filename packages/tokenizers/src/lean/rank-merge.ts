// tiktoken's merge rule on byte ranges of a CompactVocab: repeatedly merge the
// adjacent pair whose merged bytes have the lowest rank, leftmost on ties,
// allocating no strings. Short pieces use tiktoken's own scan on typed arrays;
// long ones a heap with the same order (a 1 MB line of letters is one piece).
import { ByteRangeMerger } from './byte-range-merge.js';
import type { CompactVocab } from './compact-vocab.js';

/** Pieces up to this many bytes use the simple scan; longer ones the heap (O(n log n)). */
const SCAN_LIMIT = 128;

export class RankMerger {
  private starts = new Int32Array(SCAN_LIMIT + 1);
  private ranks = new Int32Array(SCAN_LIMIT + 1);
  private readonly long = new ByteRangeMerger();

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

  /** The same merge order for long pieces, in O(n log n) (a 1 MB line of letters is one piece). */
  private heapMerge(buf: Uint8Array, len: number, out: number[] | null): number {
    const starts = new Int32Array(len + 1);
    for (let i = 0; i <= len; i++) starts[i] = i;
    const { vocab } = this;
    return this.long.merge(
      buf,
      starts,
      len,
      (b, s, _m, e) => vocab.lookup(b, s, e),
      (s, e) => vocab.lookup(buf, s, e),
      out,
    );
  }
}
