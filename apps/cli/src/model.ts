import { createTokenizer, detectModel, type ModelDetection, type ModelTokenizer } from '@ctxkit/tokenizers';
import type { CommandContext } from './context.js';

/** The model assumed when none is given and the input names none. */
export const DEFAULT_MODEL = 'gpt-4o';

/** Options every counting command takes. */
export interface ModelOptions {
  /**
   * The model to count for (`--model`).
   * @default the model the input names, else `DEFAULT_MODEL` (`'gpt-4o'`)
   */
  model?: string;
  /**
   * The provider the model is served by (`--provider`); empty lets the model id decide.
   * @default ''
   */
  provider?: string;
}

/** A tokenizer chosen for a model, and why. */
export interface ResolvedModel {
  provider: string;
  model: string;
  detection: ModelDetection;
  tokenizer: ModelTokenizer;
}

/**
 * Picks the tokenizer for `--model`/`--provider` (or the model the input names,
 * or {@link DEFAULT_MODEL}). An unknown model is not an error: it is counted
 * with the calibrated fallback estimate, and a warning says so.
 * @param fromInput the model the input itself names (a request body's `model`, a session log's)
 * @param input `conversation` warns when {@link DEFAULT_MODEL} is assumed for a conversation
 * @default input 'text'
 */
export function resolveModel(
  ctx: CommandContext,
  options: ModelOptions,
  fromInput?: string,
  input: 'text' | 'conversation' = 'text',
): ResolvedModel {
  const model = options.model ?? fromInput ?? DEFAULT_MODEL;
  const provider = options.provider ?? '';
  const detection = detectModel(provider, model);
  // A conversation counted silently as gpt-4o looked like a measurement of the user's own model.
  if (input === 'conversation' && options.model === undefined && fromInput === undefined) {
    ctx.warn(
      `the conversation names no model: counted as ${DEFAULT_MODEL} (${detection.vocabulary}); ` +
        'pass --model (and --provider) for the model it was sent to',
    );
  }
  if (detection.vocabulary === 'fallback') {
    ctx.warn(`unknown model "${model}": counts are estimates (${detection.reason})`);
  }
  return { provider, model, detection, tokenizer: createTokenizer(provider, model) };
}
