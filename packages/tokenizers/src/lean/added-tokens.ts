// Added tokens (e.g. Gemma's newline runs and 6,000 <unusedN> tags, Qwen's
// <tool_call>) are cut out of the text before normalization, leftmost-longest,
// as the HF tokenizers' added vocabulary does. A set of the strings plus, per
// first character, the distinct lengths to try (longest first) keeps the
// matcher small (a character trie of Gemma's tags held 4 MB of heap) and fast:
// only positions whose character starts some added token are examined.

/** Leftmost-longest matcher over a set of literal strings. */
export class AddedTokens {
  private readonly ids = new Map<string, number>();
  private readonly lengths = new Map<number, number[]>();
  readonly size: number;

  constructor(tokens: readonly { content: string; id: number }[]) {
    for (const { content, id } of tokens) {
      if (content.length === 0 || this.ids.has(content)) continue;
      this.ids.set(content, id);
      const first = content.charCodeAt(0);
      const list = this.lengths.get(first) ?? [];
      if (!list.includes(content.length)) list.push(content.length);
      this.lengths.set(first, list);
    }
    for (const list of this.lengths.values()) list.sort((a, b) => b - a);
    this.size = this.ids.size;
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
    let start = 0;
    let i = 0;
    outer: while (i < text.length) {
      const lengths = this.lengths.get(text.charCodeAt(i));
      if (lengths) {
        for (const len of lengths) {
          if (i + len > text.length) continue;
          const id = this.ids.get(text.slice(i, i + len));
          if (id === undefined) continue;
          if (i > start) segment(text.slice(start, i));
          token(id);
          i += len;
          start = i;
          continue outer;
        }
      }
      i++;
    }
    if (start < text.length) segment(start === 0 ? text : text.slice(start));
  }
}
