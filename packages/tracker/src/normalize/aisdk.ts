import { checkUsage, child, isRecord, type NormalizedUsage, readCount, unknownShape } from './read.js';

/**
 * The AI SDK's `LanguageModelUsage` (or a result object carrying it as `usage` / `totalUsage`).
 * v6 shape: `inputTokens` = `inputTokenDetails.{noCacheTokens + cacheReadTokens + cacheWriteTokens}`,
 * `outputTokens` = `outputTokenDetails.{textTokens + reasoningTokens}`. v5 shape: `inputTokens`,
 * `outputTokens`, optional `cachedInputTokens` / `reasoningTokens`; some v5 providers (Google) report
 * reasoning outside `outputTokens`, which `totalTokens` reveals, and some (Anthropic) report
 * `inputTokens` without the cache reads, which a cache count above the input reveals.
 * @param raw - an AI SDK result (`totalUsage` or `usage`), or its bare usage object.
 */
export function fromAiSdkUsage(raw: unknown): NormalizedUsage {
  if (!isRecord(raw)) throw unknownShape('AI SDK', raw);
  const usage = child(raw, 'totalUsage') ?? child(raw, 'usage') ?? raw;
  if (!('inputTokens' in usage) && !('outputTokens' in usage)) throw unknownShape('AI SDK', raw);
  const warnings: string[] = [];
  const inputDetails = child(usage, 'inputTokenDetails');
  const outputDetails = child(usage, 'outputTokenDetails');
  let input = readCount(usage, 'inputTokens', warnings, true);
  let output = readCount(usage, 'outputTokens', warnings, true);
  let cached: number;
  let write = 0;
  let reasoning: number;
  if (inputDetails || outputDetails) {
    cached = readCount(inputDetails, 'cacheReadTokens', warnings);
    write = readCount(inputDetails, 'cacheWriteTokens', warnings);
    reasoning = readCount(outputDetails, 'reasoningTokens', warnings);
  } else {
    cached = readCount(usage, 'cachedInputTokens', warnings);
    reasoning = readCount(usage, 'reasoningTokens', warnings);
    const total = readCount(usage, 'totalTokens', warnings);
    if (reasoning > 0 && total === input + output + reasoning) {
      output += reasoning;
      warnings.push('reasoningTokens reported outside outputTokens (v5 provider); added to output');
    }
    if (cached > input) {
      input += cached;
      warnings.push('cachedInputTokens exceed inputTokens (v5 Anthropic provider); added to input');
    }
  }
  return {
    usage: checkUsage(
      {
        inputTokens: input,
        cachedInputTokens: cached,
        cacheWriteTokens: write,
        outputTokens: output,
        reasoningTokens: reasoning,
      },
      warnings,
    ),
    warnings,
  };
}

/**
 * the AI SDK usage; see {@link fromAiSdkUsage}.
 * @deprecated Use {@link fromAiSdkUsage}: the same function, under a name that says it reads usage
 *   (`@ctxkit/core` has message converters named `from…`).
 */
export const fromAiSdk: typeof fromAiSdkUsage = fromAiSdkUsage;
