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
 * Gemini `usageMetadata` (from a `generateContent` response, the last stream chunk, or the bare object).
 * `promptTokenCount` INCLUDES `cachedContentTokenCount`; the output is `candidatesTokenCount` plus
 * `thoughtsTokenCount` (thoughts are billed as output but not counted in candidates); tool-use prompt
 * tokens are input. `totalTokenCount` is checked against that sum.
 * @param raw - a Gemini response, its stream chunks, or its bare `usageMetadata`.
 */
export function fromGeminiUsage(raw: unknown): NormalizedUsage {
  if (Array.isArray(raw)) {
    const last = [...raw].reverse().find((c) => isRecord(c) && isRecord(c.usageMetadata));
    if (!last) throw unknownShape('Gemini stream', raw);
    return fromGeminiUsage(last);
  }
  if (!isRecord(raw)) throw unknownShape('Gemini', raw);
  const meta = child(raw, 'usageMetadata') ?? raw;
  if (!('promptTokenCount' in meta) && !('candidatesTokenCount' in meta) && !('totalTokenCount' in meta)) {
    throw unknownShape('Gemini', raw);
  }
  const warnings: string[] = [];
  const prompt = readCount(meta, 'promptTokenCount', warnings, true);
  const toolPrompt = readCount(meta, 'toolUsePromptTokenCount', warnings);
  const candidates = readCount(meta, 'candidatesTokenCount', warnings);
  const thoughts = readCount(meta, 'thoughtsTokenCount', warnings);
  const usage = checkUsage(
    {
      inputTokens: prompt + toolPrompt,
      cachedInputTokens: readCount(meta, 'cachedContentTokenCount', warnings),
      cacheWriteTokens: 0,
      outputTokens: candidates + thoughts,
      reasoningTokens: thoughts,
    },
    warnings,
  );
  const total = readCount(meta, 'totalTokenCount', warnings);
  if (total && total !== usage.inputTokens + usage.outputTokens) {
    warnings.push(
      `totalTokenCount ${total} differs from input + output ${usage.inputTokens + usage.outputTokens}`,
    );
  }
  return {
    usage,
    provider: 'google',
    model: readString(raw, 'modelVersion'),
    responseId: readString(raw, 'responseId'),
    warnings,
  };
}

/**
 * Gemini CLI's per-message token record `{ input, output, cached, thoughts, tool, total }`: `input`
 * includes `cached`, `output` excludes `thoughts`, `tool` is tool-use prompt (input) tokens.
 * @param raw - a Gemini CLI per-message token record.
 */
export function fromGeminiCliUsage(raw: unknown): NormalizedUsage {
  if (!isRecord(raw) || !('input' in raw) || !('output' in raw)) throw unknownShape('Gemini CLI', raw);
  const warnings: string[] = [];
  const thoughts = readCount(raw, 'thoughts', warnings);
  const usage = checkUsage(
    {
      inputTokens: readCount(raw, 'input', warnings, true) + readCount(raw, 'tool', warnings),
      cachedInputTokens: readCount(raw, 'cached', warnings),
      cacheWriteTokens: 0,
      outputTokens: readCount(raw, 'output', warnings, true) + thoughts,
      reasoningTokens: thoughts,
    },
    warnings,
  );
  const total = readCount(raw, 'total', warnings);
  if (total && total !== usage.inputTokens + usage.outputTokens) {
    warnings.push(`total ${total} differs from input + output ${usage.inputTokens + usage.outputTokens}`);
  }
  return { usage, provider: 'google', warnings };
}

/**
 * Gemini usage; see {@link fromGeminiUsage}.
 * @deprecated Use {@link fromGeminiUsage}: the same function, under a name that says it reads usage
 *   (`@ctxkit/core` has message converters named `from…`).
 */
export const fromGemini: typeof fromGeminiUsage = fromGeminiUsage;

/**
 * Gemini CLI usage; see {@link fromGeminiCliUsage}.
 * @deprecated Use {@link fromGeminiCliUsage}: the same function, under a name that says it reads usage
 *   (`@ctxkit/core` has message converters named `from…`).
 */
export const fromGeminiCli: typeof fromGeminiCliUsage = fromGeminiCliUsage;
