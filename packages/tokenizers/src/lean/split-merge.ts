// Sentencepiece-derived BPE (Gemma 3, Mistral v1) without a hash table of its
// merge pairs (Gemma 3 lists 514,906). HF's converter lists, for every token,
// each split of it into two vocabulary tokens. So a pair (a, b) is identified by
// its merged token t = a+b and the byte offset of the split: the file stores,
// per token, its listed splits as one Int32 each, `rank << 8 | byte offset`.
// Verified against the merge list when the file is built, and by the parity suite.
import { ByteRangeMerger } from './byte-range-merge.js';
import { LONG_PIECE_SYMBOLS, mergeLongPiece } from './long-piece.js';
import type { PackedVocab } from './packed-vocab.js';
import { sameBytes } from './rank-merge.js';
import { type RankOf, scanMerge } from './scan-merge.js';

/** Pieces of up to this many parts merge by a scan (scan-merge.ts); longer ones by the tree (merge-tree.ts). */
const SCAN_LIMIT = 48;

export class SplitRankMerger {
  private readonly merger = new ByteRangeMerger();
  private readonly rankOf: RankOf = (buf, s, m, e) => this.rank(buf, s, m, e);
  private readonly longRankOf: RankOf = (buf, s, m, e) =>
    this.splitRank(this.vocab.lookupFiltered(buf, s, e), s, m);
  /** The same for the chunks of a long piece (see `PackedVocab.lookupLong`). */
  private readonly chunkRankOf: RankOf = (buf, s, m, e) =>
    this.splitRank(this.vocab.lookupLong(buf, s, e), s, m);
  private readonly ranks = new Int32Array(SCAN_LIMIT);

  constructor(
    private readonly vocab: PackedVocab,
    private readonly splitStart: Int32Array,
    private readonly splits: Int32Array,
  ) {}

  /** Bytes of scratch held between pieces. */
  get scratchBytes(): number {
    return this.ranks.byteLength + this.merger.scratchBytes;
  }

  /** HF rank of merging parts [s,m) and [m,e), or -1 when they do not merge. */
  rank(buf: Uint8Array, s: number, m: number, e: number): number {
    return this.splitRank(this.vocab.lookup(buf, s, e), s, m);
  }

  /** The rank of token `t` (-1: none) as the merge of its split at byte `m - s`, or -1. */
  private splitRank(t: number, s: number, m: number): number {
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
   * Merges the parts that start at `starts` (ascending, ending with the length) of
   * `buf`; returns the part count and pushes each part's id (via `idOf`) if asked.
   * `starts` is scratch: it is overwritten.
   */
  merge(
    buf: Uint8Array,
    starts: Int32Array,
    parts: number,
    out: number[] | null,
    idOf: (s: number, e: number) => number,
  ): number {
    if (parts > LONG_PIECE_SYMBOLS) return this.mergeLong(buf, starts, parts, out, idOf);
    if (parts > SCAN_LIMIT) return this.merger.merge(buf, starts, parts, this.longRankOf, idOf, out);
    parts = scanMerge(buf, starts, this.ranks, parts, this.rankOf);
    if (out) for (let i = 0; i < parts; i++) out.push(idOf(starts[i]!, starts[i + 1]!));
    return parts;
  }

  /** A long piece, chunk by chunk (long-piece.ts): symbols are the parts; edge tokens are byte offsets within their chunk. */
  private mergeLong(
    buf: Uint8Array,
    starts: Int32Array,
    parts: number,
    out: number[] | null,
    idOf: (s: number, e: number) => number,
  ): number {
    return mergeLongPiece(
      {
        merge: (a, b, history, ids, partStarts) => {
          const base = starts[a]!;
          const rel = new Int32Array(b - a + 1);
          for (let k = a; k <= b; k++) rel[k - a] = starts[k]! - base;
          const part = buf.subarray(base, starts[b]!);
          const id = (s: number, e: number) => idOf(base + s, base + e);
          if (!partStarts) return this.merger.merge(part, rel, b - a, this.chunkRankOf, id, ids, history);
          const bytes: number[] = [];
          const count = this.merger.merge(part, rel, b - a, this.chunkRankOf, id, ids, history, bytes);
          // Byte offsets of the tokens back to symbol indices (both ascending).
          let k = 0;
          for (const offset of bytes) {
            while (rel[k]! < offset) k++;
            partStarts.push(k);
          }
          return count;
        },
        cross: (la, last, ra, first) => this.rank(buf, starts[la]! + last, starts[ra]!, starts[ra]! + first),
        same: (a, b, c, d) =>
          b - a === d - c && sameBytes(buf, starts[a]!, starts[b]!, starts[c]!, starts[d]!),
      },
      parts,
      out,
    );
  }
}
