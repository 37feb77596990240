// tiktoken's merge rule on byte ranges of a PackedVocab: repeatedly merge the
// adjacent pair whose merged bytes have the lowest rank, leftmost on ties,
// allocating no strings. Short pieces use tiktoken's own scan on typed arrays;
// long ones a tournament tree with the same order (a 1 MB line of letters is one piece).
import { ByteRangeMerger } from './byte-range-merge.js';
import { type ChunkMerger, LONG_PIECE_SYMBOLS, mergeLongPiece } from './long-piece.js';
import type { MergeHistory } from './merge-history.js';
import type { PackedVocab } from './packed-vocab.js';
import { type RankOf, scanMerge } from './scan-merge.js';

/** Pieces up to this many bytes use the simple scan; longer ones the tree (O(n log n)): measured crossover 24–32 bytes. */
const SCAN_LIMIT = 32;

export class RankMerger {
  private starts = new Int32Array(SCAN_LIMIT + 1);
  private ranks = new Int32Array(SCAN_LIMIT + 1);
  private readonly long = new ByteRangeMerger();
  /** tiktoken's rank of a pair: the rank of the merged bytes. */
  private readonly rankOf: RankOf = (b, s, _m, e) => this.vocab.lookup(b, s, e);
  /** The same for pieces over SCAN_LIMIT bytes, whose pairs are mostly not tokens (see `lookupFiltered`). */
  private readonly longRankOf: RankOf = (b, s, _m, e) => this.vocab.lookupFiltered(b, s, e);
  /** The same for the chunks of a long piece (see `lookupLong`). */
  private readonly chunkRankOf: RankOf = (b, s, _m, e) => this.vocab.lookupLong(b, s, e);

  constructor(readonly vocab: PackedVocab) {}

  /** Bytes of scratch held between pieces. */
  get scratchBytes(): number {
    return this.starts.byteLength + this.ranks.byteLength + this.long.scratchBytes;
  }

  /** Merges `buf[0..len)`; returns the token count and pushes the ranks to `out` if given. */
  merge(buf: Uint8Array, len: number, out: number[] | null): number {
    return len <= SCAN_LIMIT ? this.scanMerge(buf, len, out) : this.treeMerge(buf, len, out);
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
  private treeMerge(buf: Uint8Array, len: number, out: number[] | null): number {
    if (len > LONG_PIECE_SYMBOLS) return mergeLongPiece(this.chunks(buf), len, out);
    return this.rangeMerge(buf, 0, len, this.longRankOf, null, out);
  }

  /** The tree merge of bytes `[a, b)` of `buf` alone. */
  private rangeMerge(
    buf: Uint8Array,
    a: number,
    b: number,
    rankOf: RankOf,
    history: MergeHistory | null,
    out: number[] | null,
    partStarts: number[] | null = null,
  ): number {
    const part = buf.subarray(a, b);
    const len = b - a;
    const starts = new Int32Array(len + 1);
    for (let i = 0; i <= len; i++) starts[i] = i;
    const { vocab } = this;
    return this.long.merge(
      part,
      starts,
      len,
      rankOf,
      (s, e) => vocab.lookup(part, s, e),
      out,
      history,
      partStarts,
    );
  }

  /** The chunker's view of a long piece: symbols are bytes; edge tokens are offsets within their chunk. */
  private chunks(buf: Uint8Array): ChunkMerger {
    return {
      merge: (a, b, history, out, partStarts) =>
        this.rangeMerge(buf, a, b, this.chunkRankOf, history, out, partStarts),
      cross: (la, last, ra, first) => this.vocab.lookup(buf, la + last, ra + first),
      same: (a, b, c, d) => sameBytes(buf, a, b, c, d),
    };
  }
}

/** Whether bytes `[a, b)` and `[c, d)` of `buf` are equal. */
export function sameBytes(buf: Uint8Array, a: number, b: number, c: number, d: number): boolean {
  if (b - a !== d - c) return false;
  for (let i = 0; i < b - a; i++) if (buf[a + i] !== buf[c + i]) return false;
  return true;
}
