import type { AnyToolDefinition, Message, Tokenizer } from '@ctxkit/core';
import { isSummaryMessage } from './ledger.js';
import { summaryText } from './summary-message.js';

/**
 * The conversation being compressed plus cached per-message counts, so each
 * message is counted once however many stages look at it.
 * @internal
 */
export class Work {
  messages: Message[];
  readonly base: number;
  private readonly cache: WeakMap<Message, number>;

  constructor(
    messages: readonly Message[],
    readonly tokenizer: Tokenizer,
    tools: readonly AnyToolDefinition[] | undefined,
    cache: WeakMap<Message, number> = new WeakMap(),
    private readonly stubCounts?: Map<string, number>,
  ) {
    this.cache = cache;
    this.messages = [...messages];
    // Tools and reply priming: what a request costs beyond its messages.
    this.base = tokenizer.countMessages([], tools ? { tools } : undefined);
  }

  /** Tokens of one message (cached by identity). */
  count = (m: Message): number => {
    let n = this.cache.get(m);
    if (n === undefined) {
      // Stubs are rebuilt on every call from the same originals: count each distinct stub once.
      const key = stubKey(m);
      n = key === undefined ? undefined : this.stubCounts?.get(key);
      if (n === undefined) {
        n = this.tokenizer.countMessage(m);
        if (key !== undefined && this.stubCounts) {
          if (this.stubCounts.size > 50_000) this.stubCounts.clear();
          this.stubCounts.set(key, n);
        }
      }
      this.cache.set(m, n);
    }
    return n;
  };

  /** Tokens of the whole request. */
  total(): number {
    let sum = this.base;
    for (const m of this.messages) sum += this.count(m);
    return sum;
  }

  /** Index of the first user message (the task), or -1. */
  firstUser(): number {
    return this.messages.findIndex((m) => m.role === 'user' && !isSummary(m));
  }

  /** Index of the latest real user message (not a summary), or -1. */
  latestUser(): number {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i]!;
      if (m.role === 'user' && !isSummary(m)) return i;
    }
    return -1;
  }

  /** Indexes that no stage may change: system, pinned, the first and the latest user message. */
  protectedSet(): Set<number> {
    const out = new Set<number>();
    this.messages.forEach((m, i) => {
      if (m.role === 'system' || m.pinned === true) out.add(i);
    });
    const first = this.firstUser();
    const latest = this.latestUser();
    if (first >= 0) out.add(first);
    if (latest >= 0) out.add(latest);
    return out;
  }

  /** Start indexes of units: a lone message, or an assistant message with its tool results. */
  unitStarts(): number[] {
    const starts: number[] = [];
    for (let i = 0; i < this.messages.length; i++) {
      const m = this.messages[i]!;
      if (m.role === 'tool' && i > 0 && starts.length > 0) {
        const prev = this.messages[starts[starts.length - 1]!]!;
        if (prev.role === 'assistant' && (prev.tool_calls?.length ?? 0) > 0) continue;
      }
      starts.push(i);
    }
    return starts;
  }
}

/** Identity of a stub by what is sent (role, call id, content), or `undefined` for other messages. */
function stubKey(m: Message): string | undefined {
  const tag = m.metadata?.ctxkit as { kind?: string } | undefined;
  if (tag?.kind !== 'stub' || typeof m.content !== 'string' || m.tool_calls) return undefined;
  return `${m.role}\u0000${m.tool_call_id ?? ''}\u0000${m.content}`;
}

/** Whether a message is a summary (ours, or Nanocoder's `<conversation-summary>` message). */
export function isSummary(m: Message): boolean {
  return isSummaryMessage(m) || summaryText(m) !== undefined;
}
