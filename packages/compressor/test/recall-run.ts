// Replays a recall task as a live agent loop — before
// each assistant step the agent shapes its context with a strategy, and the last request (the
// question) goes to the recall model over HTTP. Recall = facts the answer gets right.
import { isCtxkitError, type Message, type Tokenizer } from '@ctxkit/core';
import { ContextCompressor } from '../src/compressor.js';
import type { ContextCompressorOptions } from '../src/types.js';
import { askFacts, type RecallModel } from './recall-model.js';
import type { RecallTask } from './recall-tasks.js';

/** How the agent shapes each request: `null` when it cannot (an error it reports). */
export type ShapeFunction = (
  context: Message[],
  task: RecallTask,
) => Promise<{ messages: Message[]; compacted: boolean }>;

/** The outcome of one task at one window. */
export interface RecallRun {
  task: string;
  contextLimit: number;
  /** Facts answered right, of `facts`. */
  recalled: number;
  facts: number;
  /** Every request was accepted by the model (none over its window). */
  fits: boolean;
  /** A strategy error (e.g. `BUDGET_EXCEEDED`), when the agent could not shape a request. */
  error?: string;
  /** Requests the strategy changed. */
  compactions: number;
  /** Tokens of the final request. */
  finalTokens: number;
}

/** The reply room an agent leaves (the compressor's default reserve). */
export function replyReserve(contextLimit: number): number {
  return Math.min(8192, Math.floor(contextLimit / 8));
}

/** No management: every message is sent. */
export const sendEverything: ShapeFunction = async (context) => ({ messages: context, compacted: false });

/** ctxkit: one {@link ContextCompressor} kept across the loop, as an agent keeps it. */
export function compressWith(
  options: ContextCompressorOptions,
  contextLimit: number,
  tokenizer: Tokenizer,
): ShapeFunction {
  const compressor = new ContextCompressor(options);
  return async (context, task) => {
    const r = await compressor.compress(context, { contextLimit, tokenizer, tools: task.tools });
    return { messages: r.messages, compacted: r.triggered };
  };
}

/** Replays `task` at `contextLimit`, shaping each request with `shape`, and asks the final question. */
export async function runRecall(
  task: RecallTask,
  model: RecallModel,
  contextLimit: number,
  shape: ShapeFunction,
  tokenizer: Tokenizer,
): Promise<RecallRun> {
  model.contextLimit = contextLimit;
  const reserve = replyReserve(contextLimit);
  const run: RecallRun = {
    task: task.name,
    contextLimit,
    recalled: 0,
    facts: task.facts.length,
    fits: true,
    compactions: 0,
    finalTokens: 0,
  };
  let context: Message[] = [];
  let from = 0;
  const all = task.messages;
  // A request goes out before each assistant message (the agent's next step) and after the question.
  const points = all.flatMap((m, i) => (m.role === 'assistant' ? [i] : [])).concat(all.length);
  for (const at of points) {
    context = [...context, ...all.slice(from, at)];
    from = at;
    try {
      const shaped = await shape(context, task);
      if (shaped.compacted) run.compactions++;
      context = shaped.messages;
    } catch (error) {
      run.error = isCtxkitError(error) ? error.code : String(error);
      run.fits = false;
      return run;
    }
    run.finalTokens = tokenizer.countMessages(context, { tools: task.tools });
    if (run.finalTokens + reserve > contextLimit) run.fits = false;
  }
  const asked = await askFacts(model, context, task.tools, task.facts, reserve);
  if (!asked.accepted) run.fits = false;
  run.recalled = asked.correct.filter(Boolean).length;
  return run;
}
