import { TokenCountCache } from '@ctxkit/cache';
import {
  type AnyToolDefinition,
  groupTurns,
  type Message,
  requestOverhead,
  requestTokens,
  SYNTHETIC_USER_MESSAGE,
  type Tokenizer,
} from '@ctxkit/core';
import { isSummaryMessage } from './ledger.js';
import { summaryText } from './summary-message.js';

/**
 * The conversation being compressed plus cached per-message counts, so each
 * message is counted once however many stages look at it, and what every stage
 * asks of it: the messages no stage may change (`protectedSet`) and the units
 * taken whole (`unitStarts`).
 * @internal
 */
export class WorkingConversation {
  messages: Message[];
  readonly base: number;
  // Within one call nothing is edited in place; across calls the content-keyed cache answers.
  private readonly local = new Map<Message, number>();

  constructor(
    messages: readonly Message[],
    readonly tokenizer: Tokenizer,
    tools: readonly AnyToolDefinition[] | undefined,
    private readonly cache: TokenCountCache = new TokenCountCache(),
  ) {
    this.messages = [...messages];
    // Tools and reply priming: what a request costs beyond its messages.
    this.base = requestOverhead(tokenizer, tools);
  }

  /** Tokens of one message, counted by content (a message edited in place is counted again). */
  count = (m: Message): number => {
    let n = this.local.get(m);
    if (n === undefined) {
      n = this.cache.count(m, this.tokenizer);
      this.local.set(m, n);
    }
    return n;
  };

  /** Tokens of the whole request. */
  total(): number {
    return requestTokens(this.tokenizer, this.messages, { overhead: this.base, countMessage: this.count });
  }

  /**
   * Index of the first real user message (the task), or -1. The placeholder a repair puts first
   * when the input starts mid-conversation is not the task.
   */
  firstUser(): number {
    const at = this.messages.findIndex(
      (m) => m.role === 'user' && !isSummary(m) && m.content !== SYNTHETIC_USER_MESSAGE,
    );
    return at >= 0 ? at : this.messages.findIndex((m) => m.role === 'user' && !isSummary(m));
  }

  /** Index of the latest real user message (not a summary), or -1. */
  latestUser(): number {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i]!;
      if (m.role === 'user' && !isSummary(m)) return i;
    }
    return -1;
  }

  /** Start of the current step: the newest unit (the last assistant step with its results, or the last message). */
  currentStep(): number {
    const starts = this.unitStarts();
    return starts[starts.length - 1] ?? this.messages.length;
  }

  /**
   * Indexes that no stage may change: system, pinned, the first and the latest user message,
   * and the current step (results the model has not answered yet, calls still in flight).
   */
  protectedSet(): Set<number> {
    const out = new Set<number>();
    this.messages.forEach((m, i) => {
      if (m.role === 'system' || m.pinned === true) out.add(i);
    });
    const first = this.firstUser();
    const latest = this.latestUser();
    if (first >= 0) out.add(first);
    if (latest >= 0) out.add(latest);
    for (let i = this.currentStep(); i < this.messages.length; i++) out.add(i);
    return out;
  }

  /**
   * Start indexes of units: core's turn groups (a lone message, or an assistant message with the
   * results that answer its calls), the same units the sliding window evicts.
   */
  unitStarts(): number[] {
    return groupTurns(this.messages).map((g) => g.start);
  }
}

/** Whether a message is a summary (ours, or Nanocoder's `<conversation-summary>` message). */
export function isSummary(m: Message): boolean {
  return isSummaryMessage(m) || summaryText(m) !== undefined;
}
