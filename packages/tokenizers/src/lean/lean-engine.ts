// The lean tokenizer engine: one packed vocabulary file per vocabulary and
// one code path for tiktoken-style, HF byte-level and sentencepiece-style BPE.
// text → added tokens cut out → normalization → pre-tokenizer pieces → BPE.
import { CtxkitError } from '@ctxkit/core';
import { AddedTokens } from './added-tokens.js';
import { addedTokens, type LeanVocabulary } from './lean-file.js';
import { type PieceMatch, shortenedMatch } from './long-match.js';
import { SCRATCH_KEPT } from './merge-tree.js';
import { hashBytes } from './packed-vocab.js';
import { mergeIds, mergeScratchBytes } from './pair-merges.js';
import { PIECE_CACHE_MAX_BYTES, PieceCache } from './piece-cache.js';
import { RankMerger } from './rank-merge.js';
import { SplitRankMerger } from './split-merge.js';

const encoder = new TextEncoder();

export class LeanEngine {
  private scratch = new Uint8Array(1024);
  private ids = new Int32Array(1024);
  /** Counts of pieces seen before: repeated chat text is nearly free. Bounded: 1.11 MB at most. */
  private readonly cache = new PieceCache();
  private readonly rank: RankMerger;
  private readonly splitRank: SplitRankMerger | undefined;
  private starts = new Int32Array(1024);
  private readonly added: AddedTokens;
  private readonly regexes: RegExp[];

  constructor(readonly data: LeanVocabulary) {
    this.rank = new RankMerger(data.vocab);
    this.splitRank =
      data.settings.mode === 'splits'
        ? new SplitRankMerger(data.vocab, data.splitStart!, data.splits!)
        : undefined;
    this.added = new AddedTokens(addedTokens(data), data.vocab);
    // The matcher holds the added tokens now; the parsed list is no longer needed.
    data.settings.added = [];
    data.settings.addedInVocab = [];
    this.regexes = data.settings.splits.map((p) => new RegExp(p, 'gu'));
  }

  /**
   * Bytes the engine holds: its vocabulary file (which the arrays are views of), the tables
   * derived from it on first use (for long pieces: 1.3 MB for o200k once one was seen), the piece
   * cache as it is now, and the scratch kept between calls.
   */
  get residentBytes(): number {
    const { fileBytes, vocab, merges } = this.data;
    return (
      fileBytes + vocab.derivedBytes + (merges?.derivedBytes ?? 0) + this.cache.byteLength + this.scratchBytes
    );
  }

  /** Bytes of scratch buffers kept between calls (small: long pieces' scratch is freed after use). */
  get scratchBytes(): number {
    return (
      this.scratch.byteLength +
      this.ids.byteLength +
      this.starts.byteLength +
      this.rank.scratchBytes +
      (this.splitRank?.scratchBytes ?? 0) +
      (this.data.merges ? mergeScratchBytes() : 0)
    );
  }

  count(text: string): number {
    let total = 0;
    this.added.split(
      text,
      (segment) => {
        this.pieces(this.normalize(segment), (piece) => {
          const len = this.encodePiece(piece);
          if (len > PIECE_CACHE_MAX_BYTES) {
            total += this.pieceBytes(len, null);
            return;
          }
          const buf = this.scratch;
          const hash = hashBytes(buf, 0, len);
          let n = this.cache.get(buf, len, hash);
          if (n === -1) {
            n = this.pieceBytes(len, null);
            this.cache.set(buf, len, hash, n);
          }
          total += n;
        });
      },
      () => {
        total++;
      },
    );
    this.trimScratch();
    return total;
  }

  encode(text: string): number[] {
    const out: number[] = [];
    this.added.split(
      text,
      (segment) =>
        this.pieces(this.normalize(segment), (piece) => this.pieceBytes(this.encodePiece(piece), out)),
      (id) => out.push(id),
    );
    const offset = this.data.settings.idOffset;
    if (offset !== 0) for (let i = 0; i < out.length; i++) out[i]! += offset;
    this.trimScratch();
    return out;
  }

  /** Gives back scratch buffers a long piece grew (a 1 MB word needs 3 MB of bytes, 8 MB of starts). */
  private trimScratch(): void {
    if (this.scratch.length > SCRATCH_KEPT) this.scratch = new Uint8Array(1024);
    if (this.ids.length > SCRATCH_KEPT) this.ids = new Int32Array(1024);
    if (this.starts.length > SCRATCH_KEPT) this.starts = new Int32Array(1024);
  }

  free(): void {
    this.cache.clear();
  }

  private normalize(segment: string): string {
    const s = this.data.settings;
    // Lone surrogates become U+FFFD, as on the way to any provider (UTF-8).
    let text = (segment as unknown as { isWellFormed(): boolean }).isWellFormed()
      ? segment
      : (segment as unknown as { toWellFormed(): string }).toWellFormed();
    if (s.normalize === 'NFC') text = text.normalize('NFC');
    if (s.prepend && text.length > 0) text = s.prepend + text;
    if (s.replaceSpace) text = text.replaceAll(' ', s.replaceSpace);
    return text;
  }

  /** Calls `emit` for every pre-tokenizer piece. */
  private pieces(text: string, emit: (piece: string) => void): void {
    if (text.length === 0) return;
    if (this.regexes.length === 0) {
      if (this.data.settings.wordSplit) this.words(text, this.data.settings.wordSplit, emit);
      else emit(text);
      return;
    }
    if (this.data.settings.splitMode === 'tiktoken') {
      const re = this.regexes[0]!;
      re.lastIndex = 0;
      for (let m = splitAt(re, text); m !== null; m = splitAt(re, text)) {
        if (m[0].length === 0) re.lastIndex++;
        else emit(m[0]);
      }
      return;
    }
    this.isolated(text, 0, emit);
  }

  /** Sentencepiece words (see `LeanSettings.wordSplit`): cut before each marker run that follows another character. */
  private words(
    text: string,
    split: { marker: string; bridges: string[] },
    emit: (piece: string) => void,
  ): void {
    const { marker, bridges } = split;
    let start = 0;
    for (let i = text.indexOf(marker, 1); i !== -1; i = text.indexOf(marker, i + 1)) {
      if (text[i - 1] === marker) continue;
      if (bridges.length > 0 && bridges.some((b) => bridgesAt(text, i, b, marker))) continue;
      emit(text.slice(start, i));
      start = i;
    }
    emit(start === 0 ? text : text.slice(start));
  }

  /** HF `Split` with behavior Isolated, applied level by level: matches and the gaps between them. */
  private isolated(text: string, level: number, emit: (piece: string) => void): void {
    if (level === this.regexes.length) {
      emit(text);
      return;
    }
    const re = this.regexes[level]!;
    let last = 0;
    re.lastIndex = 0;
    for (let m = splitAt(re, text); m !== null; m = splitAt(re, text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const saved = re.lastIndex;
      if (m.index > last) this.isolated(text.slice(last, m.index), level + 1, emit);
      this.isolated(m[0], level + 1, emit);
      last = m.index + m[0].length;
      re.lastIndex = saved;
    }
    if (last < text.length) this.isolated(last === 0 ? text : text.slice(last), level + 1, emit);
  }

  /** Writes a piece's UTF-8 bytes to the scratch buffer; returns their length. */
  private encodePiece(piece: string): number {
    if (this.scratch.length < piece.length * 3) this.scratch = new Uint8Array(piece.length * 3);
    return encoder.encodeInto(piece, this.scratch).written;
  }

  /** BPE of the piece in `scratch[0..len)`: returns its token count, pushing ids to `out` if given. */
  private pieceBytes(len: number, out: number[] | null): number {
    const buf = this.scratch;
    const { vocab, merges, settings } = this.data;
    if (settings.wholePiece) {
      const id = vocab.lookup(buf, 0, len);
      if (id !== -1) {
        out?.push(id);
        return 1;
      }
    }
    if (settings.mode === 'rank') return this.rank.merge(buf, len, out);
    if (this.splitRank) return this.splitsPiece(buf, len, out);
    // merges mode: build the initial symbol ids
    if (this.ids.length < len) this.ids = new Int32Array(len * 2);
    const ids = this.ids;
    let n = 0;
    if (settings.symbols === 'bytes') {
      for (let i = 0; i < len; i++) ids[n++] = settings.byteIds[buf[i]!]!;
    } else {
      let i = 0;
      while (i < len) {
        const b = buf[i]!;
        const width = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
        const id = vocab.lookup(buf, i, i + width);
        if (id !== -1) ids[n++] = id;
        else for (let k = i; k < i + width; k++) ids[n++] = settings.byteIds[buf[k]!]!;
        i += width;
      }
    }
    return mergeIds(merges!, ids, n, out);
  }

  /** Sentencepiece symbols: whole characters, or single bytes (byte fallback) for a character not in the vocabulary. */
  private splitsPiece(buf: Uint8Array, len: number, out: number[] | null): number {
    const { vocab, settings } = this.data;
    if (this.starts.length < len + 1) this.starts = new Int32Array(len * 2 + 1);
    const starts = this.starts;
    let parts = 0;
    let i = 0;
    while (i < len) {
      const b = buf[i]!;
      const width = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
      if (vocab.lookup(buf, i, i + width) !== -1) starts[parts++] = i;
      else for (let k = i; k < i + width; k++) starts[parts++] = k;
      i += width;
    }
    starts[parts] = len;
    if (!out) return this.splitRank!.merge(buf, starts, parts, null, noId);
    return this.splitRank!.merge(buf, starts, parts, out, (s, e) => {
      const id = vocab.lookup(buf, s, e);
      return id !== -1 ? id : settings.byteIds[buf[s]!]!;
    });
  }
}

/**
 * The next pre-tokenizer match. V8's regexp backtracking stack overflows on a match of
 * millions of characters that a pattern may have to backtrack over (a 5 M-char run of CJK
 * under the tiktoken-style patterns); that match is then found on a copy with its long runs
 * shortened (long-match.ts, which says why it is the same match). Where that argument does not
 * reach, the overflow surfaces as a typed error, not a RangeError.
 */
function splitAt(re: RegExp, text: string): PieceMatch | null {
  const from = re.lastIndex;
  try {
    return re.exec(text);
  } catch (cause) {
    if (!(cause instanceof RangeError)) throw cause;
    const m = shortenedMatch(re, text, from);
    if (m) {
      re.lastIndex = m.index + m[0].length;
      return m;
    }
    throw new CtxkitError(
      'UNSUPPORTED',
      `A run of ${text.length - from} characters from offset ${from} is too long for the pre-tokenizer's regular expression`,
      { offset: from, length: text.length },
      { cause },
    );
  }
}

/** The id callback when only counting (never called). */
const noId = () => -1;

/** Whether an occurrence of `bridge` in `text` covers the cut point `i` (a marker after another character). */
function bridgesAt(text: string, i: number, bridge: string, marker: string): boolean {
  for (let j = bridge.indexOf(marker, 1); j !== -1; j = bridge.indexOf(marker, j + 1)) {
    if (bridge[j - 1] !== marker && text.startsWith(bridge, i - j)) return true;
  }
  return false;
}
