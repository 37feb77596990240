// Added tokens (e.g. Gemma's newline runs, Qwen's <tool_call>) are cut out of
// the text before normalization, leftmost-longest, as the HF tokenizers'
// added vocabulary does. A character trie keeps this O(text × token length).

interface Node {
  next: Map<number, Node>;
  id: number;
}

/** Leftmost-longest matcher over a set of literal strings. */
export class AddedTokens {
  private readonly root: Node = { next: new Map(), id: -1 };
  readonly size: number;

  constructor(tokens: readonly { content: string; id: number }[]) {
    for (const { content, id } of tokens) {
      let node = this.root;
      for (let i = 0; i < content.length; i++) {
        const c = content.charCodeAt(i);
        let child = node.next.get(c);
        if (!child) {
          child = { next: new Map(), id: -1 };
          node.next.set(c, child);
        }
        node = child;
      }
      node.id = id;
    }
    this.size = tokens.length;
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
    while (i < text.length) {
      let node = this.root.next.get(text.charCodeAt(i));
      if (!node) {
        i++;
        continue;
      }
      let bestEnd = -1;
      let bestId = -1;
      let j = i + 1;
      for (;;) {
        if (node.id !== -1) {
          bestEnd = j;
          bestId = node.id;
        }
        if (j >= text.length) break;
        const child: Node | undefined = node.next.get(text.charCodeAt(j));
        if (!child) break;
        node = child;
        j++;
      }
      if (bestEnd === -1) {
        i++;
        continue;
      }
      if (i > start) segment(text.slice(start, i));
      token(bestId);
      i = bestEnd;
      start = i;
    }
    if (start < text.length) segment(start === 0 ? text : text.slice(start));
  }
}
