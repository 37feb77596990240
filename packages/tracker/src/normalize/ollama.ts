import type { Latency } from '../types.js';
import {
  checkUsage,
  isRecord,
  type NormalizedUsage,
  nsToMs,
  readCount,
  readString,
  unknownShape,
} from './read.js';

/**
 * Ollama's final `/api/chat` or `/api/generate` object (`done: true`), or the whole list of streamed
 * chunks (the last done chunk is used). Durations are NANOSECONDS and become milliseconds here.
 * `prompt_eval_count` is omitted when the whole prompt came from Ollama's KV cache; it then reads as
 * 0 with a warning rather than failing.
 * @param raw - an Ollama `/api/chat` or `/api/generate` reply, or its streamed chunks.
 */
export function fromOllamaUsage(raw: unknown): NormalizedUsage {
  if (Array.isArray(raw)) {
    const last = [...raw].reverse().find((c) => isRecord(c) && c.done === true);
    if (!last) throw unknownShape('Ollama stream (no done chunk)', raw);
    return fromOllamaUsage(last);
  }
  if (!isRecord(raw) || (!('eval_count' in raw) && !('prompt_eval_count' in raw))) {
    throw unknownShape('Ollama', raw);
  }
  const warnings: string[] = [];
  if (raw.done === false) warnings.push('not the final chunk (done: false); counts may be partial');
  const usage = checkUsage(
    {
      inputTokens: readCount(raw, 'prompt_eval_count', warnings, true),
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: readCount(raw, 'eval_count', warnings, true),
      reasoningTokens: 0,
    },
    warnings,
  );
  const latency: Latency = {};
  const total = readCount(raw, 'total_duration', warnings);
  if (total) latency.totalMs = nsToMs(total);
  const load = readCount(raw, 'load_duration', warnings);
  if (load) latency.loadMs = nsToMs(load);
  const promptEval = readCount(raw, 'prompt_eval_duration', warnings);
  if (promptEval) latency.promptEvalMs = nsToMs(promptEval);
  const evalNs = readCount(raw, 'eval_duration', warnings);
  if (evalNs) latency.evalMs = nsToMs(evalNs);
  return { usage, provider: 'ollama', model: readString(raw, 'model'), latency, warnings };
}

/**
 * Ollama usage; see {@link fromOllamaUsage}.
 * @deprecated Use {@link fromOllamaUsage}: the same function, under a name that says it reads usage
 *   (`@ctxkit/core` has message converters named `from…`).
 */
export const fromOllama: typeof fromOllamaUsage = fromOllamaUsage;
