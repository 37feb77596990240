// tiktoken's merge rule on byte ranges of a CompactVocab: repeatedly merge the
// adjacent pair whose merged bytes have the lowest rank, leftmost on ties,
// allocating no strings. Short pieces use tiktoken's own scan on typed arrays;
// long ones a heap with the same order (a 1 MB line of letters is one piece).
import { ByteRangeMerger } from './byte-range-merge.js';
import type { CompactVocab } from './compact-vocab.js';
import { type RankOf, scanMerge } from './scan-merge.js';

/** Pieces up to this many bytes use the simple scan; longer ones the heap (O(n log n)). */
const SCAN_LIMIT = 128;

export class RankMerger {
  private starts = new Int32Array(SCAN_LIMIT + 1);
  private ranks = new Int32Array(SCAN_LIMIT + 1);
  private readonly long = new ByteRangeMerger();
  /** tiktoken's rank of a pair: the rank of the merged bytes. */
  private readonly rankOf: RankOf = (b, s, _m, e) => this.vocab.lookup(b, s, e);

  constructor(readonly vocab: CompactVocab) {}

  /** Bytes of scratch held between pieces. */
  get scratchBytes(): number {
    return this.starts.byteLength + this.ranks.byteLength + this.long.scratchBytes;
  }

  /** Merges `buf[0..len)`; returns the token count and pushes the ranks to `out` if given. */
  merge(buf: Uint8Array, len: number, out: number[] | null): number {
    return len <= SCAN_LIMIT ? this.scanMerge(buf, len, out) : this.heapMerge(buf, len, out);
  }

  /** tiktoken's reference loop on typed arrays; returns the part count and pushes ranks if asked. */
  private scanMerge(buf: Uint8Array, len: number, out: number[] | null): number {
    const { vocab, starts } = this;
    for (let i = 0; i <= len; i++) starts[i] = i;
    const parts = scanMerge(buf, starts, this.ranks, len, this.rankOf);
    if (out) for (let i = 0; i < parts; i++) out.push(vocab.lookup(buf, starts[i]!, starts[i + 1]!));
    return parts;
  }

  /** The same merge order for long pieces, in O(n log n) (a 1 MB line of letters is one piece). */
  private heapMerge(buf: Uint8Array, len: number, out: number[] | null): number {
    const starts = new Int32Array(len + 1);
    for (let i = 0; i <= len; i++) starts[i] = i;
    const { vocab } = this;
    return this.long.merge(buf, starts, len, this.rankOf, (s, e) => vocab.lookup(buf, s, e), out);
  }
}
