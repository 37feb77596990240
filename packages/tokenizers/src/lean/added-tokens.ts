// Added tokens (e.g. Gemma's newline runs and 6,000 <unusedN> tags, Qwen's
// <tool_call>) are cut out of the text before normalization, leftmost-longest,
// as the HF tokenizers' added vocabulary does. The matcher holds few strings:
// a token that is also in the vocabulary under the same id (all 6,406 of
// Gemma's) is confirmed by looking its bytes up there, so only the others
// (Qwen's <tool_call>, …) sit in a set — a character trie of Gemma's tags held
// 4 MB of heap, a set of them 0.27 MB. Three indexes keep it fast, because it
// looks at every character of every message:
// - a bit per UTF-16 unit rejects the characters no added token starts with
//   (a Map lookup per character was ~15 % of a Gemma count);
// - a character whose tokens are all runs of itself (Gemma's 1–31 newlines,
//   whitespace runs) is matched by measuring the run, not by trying 31 slices;
// - other tokens are tried by the lengths listed for their first two units.

import type { PackedVocab } from './packed-vocab.js';

const encoder = new TextEncoder();

/** Leftmost-longest matcher over a set of literal strings. */
export class AddedTokens {
  /** Tokens not confirmed through the vocabulary: content → id. */
  private readonly ids = new Map<string, number>();
  /** A bit per vocabulary id: set for added tokens confirmed through the vocabulary. */
  private readonly inVocab: Uint8Array;
  /** A bit per UTF-16 unit: set where some added token starts with it. */
  private readonly first = new Uint8Array(0x10000 / 8);
  private scratch = new Uint8Array(64);
  /** Per first two units (`c0 * 0x10000 + c1`): the distinct lengths ≥ 2 to try, longest first. */
  private readonly lengths = new Map<number, number[]>();
  /** Per unit c whose every token is a run of c: the id of the run of each length, -1 where none. */
  private readonly runs = new Map<number, Int32Array>();
  /** Confirms added tokens that are vocabulary tokens under the same id. */
  private readonly vocab: PackedVocab | undefined;
  readonly size: number;

  /** `vocab`, if given, confirms the tokens it holds under the same id (so their strings need not be kept). */
  constructor(tokens: readonly { content: string; id: number }[], vocab?: PackedVocab) {
    this.inVocab = new Uint8Array(vocab ? (vocab.size + 7) >> 3 : 0);
    const all = new Map<string, number>();
    for (const { content, id } of tokens) {
      if (content.length === 0 || all.has(content)) continue;
      all.set(content, id);
      if (
        vocab &&
        (content as unknown as { isWellFormed(): boolean }).isWellFormed() &&
        this.vocabId(vocab, content) === id
      ) {
        this.inVocab[id >> 3]! |= 1 << (id & 7);
      } else this.ids.set(content, id);
    }
    this.vocab = vocab;
    const runLengths = new Map<number, number[] | null>();
    for (const content of all.keys()) {
      const c = content.charCodeAt(0);
      this.first[c >> 3]! |= 1 << (c & 7);
      const isRun = content === String.fromCharCode(c).repeat(content.length);
      const known = runLengths.get(c);
      if (!isRun || known === null) runLengths.set(c, null);
      else runLengths.set(c, [...(known ?? []), content.length]);
      if (content.length < 2) continue;
      const key = c * 0x10000 + content.charCodeAt(1);
      const list = this.lengths.get(key) ?? [];
      if (!list.includes(content.length)) list.push(content.length);
      this.lengths.set(key, list);
    }
    for (const list of this.lengths.values()) list.sort((a, b) => b - a);
    for (const [c, lengths] of runLengths) {
      if (!lengths) continue;
      const ids = new Int32Array(Math.max(...lengths) + 1).fill(-1);
      for (const len of lengths) ids[len] = all.get(String.fromCharCode(c).repeat(len))!;
      this.runs.set(c, ids);
    }
    this.size = all.size;
  }

  /**
   * Calls `segment(text)` for each run of ordinary text and `token(id)` for
   * each added token, in order.
   */
  split(text: string, segment: (s: string) => void, token: (id: number) => void): void {
    if (this.size === 0) {
      segment(text);
      return;
    }
    const { first } = this;
    let start = 0;
    let i = 0;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      const len = (first[c >> 3]! & (1 << (c & 7))) === 0 ? 0 : this.matchAt(text, i, c);
      if (len === 0) {
        i++;
        continue;
      }
      if (i > start) segment(text.slice(start, i));
      token(this.lastId);
      i += len;
      start = i;
    }
    if (start < text.length) segment(start === 0 ? text : text.slice(start));
  }

  /** Id of the token {@link matchAt} found last (kept in a field so matching allocates nothing). */
  private lastId = -1;

  /** Length of the longest added token at `text[i]` (whose unit is `c`), or 0. Sets `lastId`. */
  private matchAt(text: string, i: number, c: number): number {
    const run = this.runs.get(c);
    if (run) {
      let r = 1;
      while (r < run.length - 1 && text.charCodeAt(i + r) === c) r++;
      for (let len = r; len > 0; len--) {
        if (run[len] !== -1) {
          this.lastId = run[len]!;
          return len;
        }
      }
      return 0;
    }
    if (i + 1 < text.length) {
      const lengths = this.lengths.get(c * 0x10000 + text.charCodeAt(i + 1));
      if (lengths) {
        for (const len of lengths) {
          if (i + len > text.length) continue;
          const id = this.idOf(text.slice(i, i + len));
          if (id !== -1) {
            this.lastId = id;
            return len;
          }
        }
      }
    }
    const id = this.idOf(text[i]!);
    if (id === -1) return 0;
    this.lastId = id;
    return 1;
  }

  /** The id of the added token `s`, or -1. */
  private idOf(s: string): number {
    const id = this.ids.get(s);
    if (id !== undefined) return id;
    if (!this.vocab) return -1;
    const v = this.vocabId(this.vocab, s);
    return v !== -1 && (this.inVocab[v >> 3]! & (1 << (v & 7))) !== 0 ? v : -1;
  }

  /** The vocabulary id of the UTF-8 bytes of `s`, or -1. */
  private vocabId(vocab: PackedVocab, s: string): number {
    if (this.scratch.length < s.length * 3) this.scratch = new Uint8Array(s.length * 3);
    const len = encoder.encodeInto(s, this.scratch).written;
    return vocab.lookup(this.scratch, 0, len);
  }
}
