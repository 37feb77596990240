/**
 * Tokens of a request by category — the shape of Nanocoder's `TokenBreakdown` (what its `/usage`
 * and context bar show). `total` is the sum of the five categories.
 */
export interface TokenBreakdown {
  system: number;
  userMessages: number;
  assistantMessages: number;
  toolDefinitions: number;
  toolResults: number;
  total: number;
}

/** The categories of {@link TokenBreakdown} a message can fall in (tool definitions are not messages). */
export type MessageCategory = 'system' | 'userMessages' | 'assistantMessages' | 'toolResults';

/**
 * The category a message's tokens go to: `system`, `user` and `tool` messages to their own, any
 * other role to `assistantMessages` — Nanocoder's rule, so a role ctxkit does not know (e.g.
 * OpenAI's `developer`) is still counted, never dropped.
 *
 * @param role - the message's role.
 * @example
 * ```ts
 * messageCategory('tool'); // 'toolResults'
 * messageCategory('developer'); // 'assistantMessages'
 * ```
 */
export function messageCategory(role: string): MessageCategory {
  switch (role) {
    case 'system':
      return 'system';
    case 'user':
      return 'userMessages';
    case 'tool':
      return 'toolResults';
    default:
      return 'assistantMessages';
  }
}

/**
 * Splits the tokens of a conversation by category ({@link messageCategory}). Works on any message
 * shape with a `role` (ctxkit's `Message`, Nanocoder's own), with any per-message counter.
 *
 * @param messages - the conversation; each message is counted once, in order.
 * @param count - tokens of one message, e.g. `(m) => tokenizer.countMessage(m)` or a cached counter.
 * @param toolDefinitions - tokens of the tool definitions sent with the request; 0 by default.
 * @example
 * ```ts
 * const breakdown = tokenBreakdown(messages, (m) => tokenizer.countMessage(m));
 * // { system, userMessages, assistantMessages, toolDefinitions: 0, toolResults, total }
 * ```
 */
export function tokenBreakdown<M extends { readonly role: string }>(
  messages: Iterable<M>,
  count: (message: M) => number,
  toolDefinitions = 0,
): TokenBreakdown {
  const b: TokenBreakdown = {
    system: 0,
    userMessages: 0,
    assistantMessages: 0,
    toolDefinitions,
    toolResults: 0,
    total: 0,
  };
  for (const m of messages) b[messageCategory(m.role)] += count(m);
  b.total = b.system + b.userMessages + b.assistantMessages + b.toolDefinitions + b.toolResults;
  return b;
}
