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
 * Anthropic usage from a Messages API response, its bare `usage`, or a list of stream events.
 * `input_tokens` EXCLUDES `cache_creation_input_tokens` and `cache_read_input_tokens`, so the total
 * input is their sum (the one place where adding is right). `cache_creation.ephemeral_1h_input_tokens`
 * is kept apart because 1-hour writes cost 2x input.
 * @param raw - a Messages API response, its `usage`, or its stream events.
 */
export function fromAnthropicUsage(raw: unknown): NormalizedUsage {
  if (Array.isArray(raw)) return mergeAnthropicStream(raw);
  if (!isRecord(raw)) throw unknownShape('Anthropic', raw);
  if (raw.type === 'message_start' || raw.type === 'message_delta') return mergeAnthropicStream([raw]);
  const usage = child(raw, 'usage') ?? raw;
  if (!('input_tokens' in usage) && !('output_tokens' in usage)) throw unknownShape('Anthropic', raw);
  const warnings: string[] = [];
  return {
    usage: anthropicUsage(usage, warnings),
    provider: 'anthropic',
    model: readString(raw, 'model'),
    responseId: readString(raw, 'id'),
    warnings,
  };
}

function anthropicUsage(usage: Record<string, unknown>, warnings: string[]) {
  const uncached = readCount(usage, 'input_tokens', warnings, true);
  const write = readCount(usage, 'cache_creation_input_tokens', warnings);
  const read = readCount(usage, 'cache_read_input_tokens', warnings);
  const creation = child(usage, 'cache_creation');
  const write1h = creation ? readCount(creation, 'ephemeral_1h_input_tokens', warnings) : undefined;
  return checkUsage(
    {
      inputTokens: uncached + write + read,
      cachedInputTokens: read,
      cacheWriteTokens: write,
      ...(write1h ? { cacheWrite1hTokens: write1h } : {}),
      outputTokens: readCount(usage, 'output_tokens', warnings, true),
      reasoningTokens: 0,
    },
    warnings,
  );
}

/**
 * Merges a streamed Anthropic response: `message_start` carries the input side (and a placeholder
 * `output_tokens`), each `message_delta` carries CUMULATIVE usage, so later values replace earlier
 * ones field by field — summing them would double count. Other events are ignored.
 * @param events - the stream's events, in order.
 */
export function mergeAnthropicStream(events: readonly unknown[]): NormalizedUsage {
  const merged: Record<string, unknown> = {};
  let model: string | undefined;
  let responseId: string | undefined;
  let seen = false;
  for (const event of events) {
    if (!isRecord(event)) continue;
    let usage: Record<string, unknown> | undefined;
    if (event.type === 'message_start') {
      const message = child(event, 'message');
      model = readString(message, 'model') ?? model;
      responseId = readString(message, 'id') ?? responseId;
      usage = child(message, 'usage');
    } else if (event.type === 'message_delta') {
      usage = child(event, 'usage');
    }
    if (!usage) continue;
    seen = true;
    for (const [key, value] of Object.entries(usage)) {
      if (value !== null && value !== undefined) merged[key] = value;
    }
  }
  if (!seen) throw unknownShape('Anthropic stream', events);
  const warnings: string[] = [];
  return { usage: anthropicUsage(merged, warnings), provider: 'anthropic', model, responseId, warnings };
}

/**
 * Anthropic usage; see {@link fromAnthropicUsage}.
 * @deprecated Use {@link fromAnthropicUsage}: the same function, under a name that says it reads usage
 *   (`@ctxkit/core` has message converters named `from…`).
 */
export const fromAnthropic: typeof fromAnthropicUsage = fromAnthropicUsage;
