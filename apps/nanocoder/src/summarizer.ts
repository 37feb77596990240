import { checkSummaryReply, type Summarizer, type SummaryRequest, summaryPrompt } from '@ctxkit/compressor';
import type { NanocoderMessage } from './types.js';

/** Sends one summarization request to the model and returns its text. */
export type ChatOnce = (messages: NanocoderMessage[], signal: AbortSignal) => Promise<string>;

/**
 * A `@ctxkit/compressor` summarizer that asks the model Nanocoder is already talking to (its
 * `LLMClient.chat`, no tools). A thin adapter: the prompt, the escaping of the data and the
 * flattening of a nested previous summary are the compressor's (`summaryPrompt`), and the reply
 * is checked by `checkSummaryReply` — one over `2 × maxTokens + 256` tokens, empty or garbage
 * fails the attempt with `SUMMARIZER_FAILED` and its reason, so the deterministic summary is used.
 * @param chat - sends the two messages through Nanocoder's client and returns the reply text.
 * @param name - the summarizer's name, shown to the user ("summary by …").
 * @default name 'nanocoder-model'
 */
export function modelSummarizer(chat: ChatOnce, name = 'nanocoder-model'): Summarizer {
  return {
    name,
    async summarize(request: SummaryRequest): Promise<string> {
      const { system, user } = summaryPrompt(request);
      const reply = await chat(
        [
          { role: 'system', content: system },
          { role: 'user', content: user },
        ],
        request.signal,
      );
      return checkSummaryReply(reply, request);
    },
  };
}
