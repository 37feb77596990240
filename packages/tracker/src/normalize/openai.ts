import {
  checkUsage,
  child,
  isRecord,
  type NormalizedUsage,
  readCount,
  readString,
  unknownShape,
} from './read.js';

/**
 * OpenAI usage, from a Chat Completions response (or final stream chunk), a Responses API response,
 * or the bare `usage` object of either. `prompt_tokens` / `input_tokens` already include the cached
 * tokens and `completion_tokens` / `output_tokens` already include reasoning, so they are taken as the
 * totals and the details only split them — never added on top. OpenAI-compatible servers that add
 * Anthropic-style `cache_creation_input_tokens` (LiteLLM, OpenHands) or DeepSeek's
 * `prompt_cache_hit_tokens` are read the same way: their `prompt_tokens` is the total too.
 * @param raw - an OpenAI (or compatible) response, or its bare `usage`.
 */
export function fromOpenAIUsage(raw: unknown): NormalizedUsage {
  if (!isRecord(raw)) throw unknownShape('OpenAI', raw);
  const usage = child(raw, 'usage') ?? raw;
  const warnings: string[] = [];
  const model = readString(raw, 'model');
  const responseId = readString(raw, 'id');
  if ('prompt_tokens' in usage || 'completion_tokens' in usage) {
    const promptDetails = child(usage, 'prompt_tokens_details');
    const completionDetails = child(usage, 'completion_tokens_details');
    let cached = readCount(promptDetails, 'cached_tokens', warnings);
    if (cached === 0) cached = readCount(usage, 'cache_read_input_tokens', warnings);
    if (cached === 0) cached = readCount(usage, 'prompt_cache_hit_tokens', warnings);
    const result = checkUsage(
      {
        inputTokens: readCount(usage, 'prompt_tokens', warnings, true),
        cachedInputTokens: cached,
        cacheWriteTokens: readCount(usage, 'cache_creation_input_tokens', warnings),
        outputTokens: readCount(usage, 'completion_tokens', warnings, true),
        reasoningTokens: readCount(completionDetails, 'reasoning_tokens', warnings),
      },
      warnings,
    );
    return { usage: result, provider: 'openai', model, responseId, warnings };
  }
  if (
    'input_tokens' in usage &&
    ('input_tokens_details' in usage || 'output_tokens_details' in usage || raw.object === 'response')
  ) {
    const result = checkUsage(
      {
        inputTokens: readCount(usage, 'input_tokens', warnings, true),
        cachedInputTokens: readCount(child(usage, 'input_tokens_details'), 'cached_tokens', warnings),
        cacheWriteTokens: 0,
        outputTokens: readCount(usage, 'output_tokens', warnings, true),
        reasoningTokens: readCount(child(usage, 'output_tokens_details'), 'reasoning_tokens', warnings),
      },
      warnings,
    );
    return { usage: result, provider: 'openai', model, responseId, warnings };
  }
  throw unknownShape('OpenAI', raw);
}

/**
 * Codex CLI `token_count` usage (`input_tokens` includes `cached_input_tokens`; `output_tokens`
 * includes `reasoning_output_tokens`, as in the Responses API it mirrors).
 * @param raw - a Codex CLI `token_count` usage object (`input_tokens`, `cached_input_tokens`, …).
 */
export function fromCodexUsage(raw: unknown): NormalizedUsage {
  if (!isRecord(raw)) throw unknownShape('Codex', raw);
  const warnings: string[] = [];
  const usage = checkUsage(
    {
      inputTokens: readCount(raw, 'input_tokens', warnings, true),
      cachedInputTokens: readCount(raw, 'cached_input_tokens', warnings),
      cacheWriteTokens: 0,
      outputTokens: readCount(raw, 'output_tokens', warnings, true),
      reasoningTokens: readCount(raw, 'reasoning_output_tokens', warnings),
    },
    warnings,
  );
  return { usage, provider: 'openai', warnings };
}

/**
 * OpenAI usage; see {@link fromOpenAIUsage}.
 * @deprecated Use {@link fromOpenAIUsage}: the same function, under a name that says it reads usage
 *   (`@ctxkit/core` has message converters named `from…`).
 */
export const fromOpenAI: typeof fromOpenAIUsage = fromOpenAIUsage;

/**
 * Codex CLI usage; see {@link fromCodexUsage}.
 * @deprecated Use {@link fromCodexUsage}: the same function, under a name that says it reads usage
 *   (`@ctxkit/core` has message converters named `from…`).
 */
export const fromCodex: typeof fromCodexUsage = fromCodexUsage;
