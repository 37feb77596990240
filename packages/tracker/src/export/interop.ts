import type { UsageEvent } from '../types.js';

/**
 * OpenTelemetry GenAI semantic-convention attributes for one call. `gen_ai.usage.input_tokens` is the
 * whole prompt including cached tokens and `gen_ai.usage.output_tokens` includes reasoning; the cache
 * and reasoning attributes are parts of those, not additions.
 * @param event - one recorded call.
 */
export function toOpenTelemetryAttributes(event: UsageEvent): Record<string, string | number> {
  const u = event.usage;
  const attributes: Record<string, string | number> = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': event.provider,
    'gen_ai.request.model': event.model,
    'gen_ai.response.model': event.model,
    'gen_ai.response.id': event.id,
    'gen_ai.conversation.id': event.sessionId,
    'gen_ai.usage.input_tokens': u.inputTokens,
    'gen_ai.usage.output_tokens': u.outputTokens,
  };
  if (u.cachedInputTokens > 0) attributes['gen_ai.usage.cache_read.input_tokens'] = u.cachedInputTokens;
  if (u.cacheWriteTokens > 0) attributes['gen_ai.usage.cache_creation.input_tokens'] = u.cacheWriteTokens;
  if (u.reasoningTokens > 0) attributes['gen_ai.usage.reasoning.output_tokens'] = u.reasoningTokens;
  return attributes;
}

/** Langfuse `usage_details`: separate, non-overlapping buckets that add up to `total`. */
export interface LangfuseUsageDetails {
  [key: string]: number;
  input: number;
  output: number;
  total: number;
}

/**
 * Langfuse `usage_details` for one call: `input` (uncached), `input_cache_read`, `input_cache_creation`,
 * `output` (visible), `output_reasoning`, and `total` = their sum. Langfuse sums every key containing
 * "input" / "output", so the buckets must not overlap — unlike OpenTelemetry's totals-plus-parts.
 * @param event - one recorded call.
 */
export function toLangfuseUsageDetails(event: UsageEvent): LangfuseUsageDetails {
  const u = event.usage;
  const details: LangfuseUsageDetails = {
    input: u.inputTokens - u.cachedInputTokens - u.cacheWriteTokens,
    output: u.outputTokens - u.reasoningTokens,
    total: u.inputTokens + u.outputTokens,
  };
  if (u.cachedInputTokens > 0) details.input_cache_read = u.cachedInputTokens;
  if (u.cacheWriteTokens > 0) details.input_cache_creation = u.cacheWriteTokens;
  if (u.reasoningTokens > 0) details.output_reasoning = u.reasoningTokens;
  return details;
}

/**
 * Langfuse `cost_details` (USD) for one call, or undefined when the call is unpriced.
 * @param event - one recorded call.
 */
export function toLangfuseCostDetails(event: UsageEvent): { total: number } | undefined {
  return event.cost ? { total: event.cost.amount } : undefined;
}
