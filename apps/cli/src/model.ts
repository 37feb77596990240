import { createTokenizer, detectModel, type ModelDetection, type ModelTokenizer } from '@ctxkit/tokenizers';
import type { CommandContext } from './context.js';

/** The model assumed when none is given and the input names none. */
export const DEFAULT_MODEL = 'gpt-4o';

/** Options every counting command takes. */
export interface ModelOptions {
  model?: string;
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
 */
export function resolveModel(ctx: CommandContext, options: ModelOptions, fromInput?: string): ResolvedModel {
  const model = options.model ?? fromInput ?? DEFAULT_MODEL;
  const provider = options.provider ?? '';
  const detection = detectModel(provider, model);
  if (detection.vocabulary === 'fallback') {
    ctx.warn(`unknown model "${model}": counts are estimates (${detection.reason})`);
  }
  return { provider, model, detection, tokenizer: createTokenizer(provider, model) };
}
