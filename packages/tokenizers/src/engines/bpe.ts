import type { TextEngine } from './engine.js';

/** A tiktoken-format vocabulary: the split pattern and js-tiktoken's compact rank list. */
export interface RankedVocabulary {
  /** The pre-tokenizer regex (tiktoken `pat_str`). */
  patStr: string;
  /** js-tiktoken's compressed ranks: lines of `name offset base64 base64 …`. */
  bpeRanks: string;
  /** Non-special added tokens (content → id), matched in raw text before anything else, as HF does. */
  added?: Record<string, number>;
  /** NFC-normalize text before splitting (Qwen's tokenizer.json normalizer). */
  nfc?: boolean;
}

const escapeRegex = (s: string) => s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/** Pieces longer than this are not memoized (rare, and they would bloat the cache). */
const CACHE_PIECE_MAX = 64;
const CACHE_LIMIT = 100_000;

/**
 * Byte-pair encoding over a tiktoken rank table, written for counting speed.
 * js-tiktoken keys its ranks on comma-joined byte lists and rebuilds two RegExps per
 * `encode` call; here each token's bytes are one latin1 string (one map lookup per
 * candidate merge), whole-piece hits skip merging, and piece counts are memoized.
 * Same algorithm as tiktoken's `byte_pair_merge`, so ids are identical (the parity suite
 * checks it against WASM tiktoken). Special-token strings are never split out: content
 * is ordinary text.
 */
export class BytePairEngine implements TextEngine {
  readonly residentBytes: number;
  private readonly ranks = new Map<string, number>();
  private readonly pattern: RegExp;
  private readonly offset: number;
  private readonly cache = new Map<string, number>();
  private readonly added: Map<string, number> | undefined;
  private readonly addedPattern: RegExp | undefined;
  private readonly nfc: boolean;

  constructor(vocabulary: RankedVocabulary, options: { offset?: number; residentBytes: number }) {
    this.pattern = new RegExp(vocabulary.patStr, 'gu');
    this.offset = options.offset ?? 0;
    this.residentBytes = options.residentBytes;
    this.nfc = vocabulary.nfc ?? false;
    const added = Object.entries(vocabulary.added ?? {});
    if (added.length > 0) {
      this.added = new Map(added);
      // Longest first, so `</tool_call>` wins over a shorter prefix.
      const alternatives = added.map(([k]) => k).sort((a, b) => b.length - a.length);
      this.addedPattern = new RegExp(alternatives.map(escapeRegex).join('|'), 'g');
    }
    for (const line of vocabulary.bpeRanks.split('\n')) {
      if (line.length === 0) continue;
      const fields = line.split(' ');
      const start = Number.parseInt(fields[1] as string, 10);
      for (let i = 2; i < fields.length; i++) {
        this.ranks.set(Buffer.from(fields[i] as string, 'base64').toString('latin1'), start + i - 2);
      }
    }
  }

  encode(text: string): number[] {
    const out: number[] = [];
    this.segments(text, (segment, addedId) => {
      if (addedId !== undefined) out.push(addedId - this.offset);
      else {
        this.pattern.lastIndex = 0;
        for (const match of segment.matchAll(this.pattern)) this.encodePiece(match[0], out);
      }
    });
    if (this.offset !== 0) for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + this.offset;
    return out;
  }

  count(text: string): number {
    let total = 0;
    const scratch: number[] = [];
    this.segments(text, (segment, addedId) => {
      if (addedId !== undefined) {
        total++;
        return;
      }
      this.pattern.lastIndex = 0;
      for (const match of segment.matchAll(this.pattern)) {
        const piece = match[0];
        let n = this.cache.get(piece);
        if (n === undefined) {
          scratch.length = 0;
          this.encodePiece(piece, scratch);
          n = scratch.length;
          if (piece.length <= CACHE_PIECE_MAX) {
            if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
            this.cache.set(piece, n);
          }
        }
        total += n;
      }
    });
    return total;
  }

  /** Splits out added tokens, then normalizes what is left (HF order: added tokens first). */
  private segments(text: string, visit: (segment: string, addedId?: number) => void): void {
    const norm = (s: string) => (this.nfc ? s.normalize('NFC') : s);
    if (!this.addedPattern || !this.added) {
      visit(norm(text));
      return;
    }
    let last = 0;
    this.addedPattern.lastIndex = 0;
    for (const match of text.matchAll(this.addedPattern)) {
      if (match.index > last) visit(norm(text.slice(last, match.index)));
      visit(match[0], this.added.get(match[0]));
      last = match.index + match[0].length;
    }
    if (last < text.length) visit(norm(text.slice(last)));
  }

  free(): void {
    this.cache.clear();
  }

  /** Appends the ranks of one pre-tokenized piece (lone surrogates become U+FFFD bytes, as in tiktoken). */
  private encodePiece(piece: string, out: number[]): void {
    const bytes = Buffer.from(piece, 'utf8').toString('latin1');
    const whole = this.ranks.get(bytes);
    if (whole !== undefined) {
      out.push(whole);
      return;
    }
    const n = bytes.length;
    // starts[i] = byte offset where part i begins; rank[i] = rank of merging parts i and i+1.
    const starts: number[] = new Array(n + 1);
    const rank: number[] = new Array(n + 1);
    for (let i = 0; i <= n; i++) starts[i] = i;
    const pairRank = (i: number, len: number): number => {
      if (i + 2 >= len) return Number.POSITIVE_INFINITY;
      return (
        this.ranks.get(bytes.slice(starts[i] as number, starts[i + 2] as number)) ?? Number.POSITIVE_INFINITY
      );
    };
    let len = n + 1; // number of boundaries
    for (let i = 0; i < len - 1; i++) rank[i] = pairRank(i, len);
    rank[len - 1] = Number.POSITIVE_INFINITY;
    while (len > 2) {
      let min = Number.POSITIVE_INFINITY;
      let at = -1;
      for (let i = 0; i < len - 2; i++) {
        const r = rank[i] as number;
        if (r < min) {
          min = r;
          at = i;
        }
      }
      if (at < 0) break;
      // Merge parts `at` and `at+1` by removing boundary at+1.
      starts.splice(at + 1, 1);
      rank.splice(at + 1, 1);
      len--;
      rank[at] = pairRank(at, len);
      if (at > 0) rank[at - 1] = pairRank(at - 1, len);
    }
    for (let i = 0; i < len - 1; i++) {
      const id = this.ranks.get(bytes.slice(starts[i] as number, starts[i + 1] as number));
      if (id !== undefined) out.push(id);
    }
  }
}
