import { ContextCompressor, ledgerItems, missingLedgerItems, type Summarizer } from '@ctxkit/compressor';
import {
  isCtxkitError,
  type Message,
  repairConversation,
  requestOverhead,
  validateConversation,
  visibleText,
} from '@ctxkit/core';
import { fitToBudget } from '@ctxkit/sliding-window';
import type { ContextStrategy, ReplayEvent } from './types.js';

/** `--strategy none`: send everything, as an agent without context management does. */
export function noneStrategy(): ContextStrategy {
  return {
    name: 'none',
    description: 'no context management (every message is sent)',
    prepare: async ({ context }) => ({ context, events: [] }),
  };
}

// Agents repair before they send (a synthetic result for an interrupted call, orphan results dropped);
// the window and compressor refuse conversations that are not valid, so the replay does the same.
function repaired(context: Message[]): Message[] {
  if (validateConversation(context, { allowPendingCalls: true }).length === 0) return context;
  return repairConversation(context).messages;
}

function failure(error: unknown): ReplayEvent {
  const event: ReplayEvent = {
    kind: 'failure',
    code: isCtxkitError(error) ? error.code : 'ERROR',
    message: error instanceof Error ? error.message : String(error),
  };
  const d = isCtxkitError(error) ? error.details : undefined;
  if (typeof d?.protectedTokens === 'number') event.protectedTokens = d.protectedTokens;
  if (typeof d?.budget === 'number') event.budget = d.budget;
  return event;
}

/**
 * `--strategy window`: `fitToBudget` keeps the newest turns that fit (system
 * messages, pins and the first user message stay; calls never leave their results).
 */
export function windowStrategy(): ContextStrategy {
  return {
    name: 'window',
    description: 'sliding window (newest turns kept, tool pairs whole, first user message pinned)',
    async prepare({ context, budget, tokenizer }) {
      const input = repaired(context);
      const before = tokenizer.countMessages(input);
      if (before <= budget) return { context: input, events: [] };
      // fitToBudget counts messages only: leave room for the request framing and reply priming.
      const framing = requestOverhead(tokenizer);
      try {
        const fit = fitToBudget(input, { maxTokens: budget - framing, tokenizer });
        return {
          context: fit.messages,
          events: [
            {
              kind: 'eviction',
              before,
              after: tokenizer.countMessages(fit.messages),
              dropped: fit.dropped.length,
            },
          ],
        };
      } catch (error) {
        return { context: input, events: [failure(error)] };
      }
    },
  };
}

/**
 * `--strategy compress`: the staged {@link ContextCompressor} (supersede old
 * reads, prune old tool output, summarize the oldest region keeping the fact
 * ledger, drop as a last resort) runs before every turn and compacts once the
 * request passes its threshold.
 */
export function compressStrategy(summarizer: Summarizer, summarizerName: string): ContextStrategy {
  return {
    name: 'compress',
    description: `staged compression (${summarizerName} summarizer)`,
    async prepare({ context, limit, budget, tokenizer }) {
      const input = repaired(context);
      const compressor = new ContextCompressor({ summarizer, reserveTokens: limit - budget });
      try {
        const result = await compressor.compress(input, { contextLimit: limit, tokenizer });
        if (!result.triggered || result.after >= result.before) return { context: input, events: [] };
        const items = ledgerItems(result.ledger);
        // Facts may survive in message text or in the kept calls' arguments (a pruned output's
        // command and path stay in the call that produced it).
        const text = visibleText(result.messages);
        const summarized = result.steps.find((s) => s.summarizer !== undefined);
        return {
          context: result.messages,
          events: [
            {
              kind: 'compaction',
              before: result.before,
              after: result.after,
              ratio: result.after / result.before,
              ledgerFacts: items.length,
              ledgerFactsKept: items.length - missingLedgerItems(text, result.ledger).length,
              summarizer: summarized?.summarizer ?? result.steps.map((s) => s.kind).join('+'),
            },
          ],
        };
      } catch (error) {
        return { context: input, events: [failure(error)] };
      }
    },
  };
}
