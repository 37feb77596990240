import { fromAiSdk, fromAiSdkUsage } from './aisdk.js';
import { fromAnthropic, fromAnthropicUsage, mergeAnthropicStream } from './anthropic.js';
import { fromGemini, fromGeminiCli, fromGeminiCliUsage, fromGeminiUsage } from './gemini.js';
import { fromOllama, fromOllamaUsage } from './ollama.js';
import { fromCodex, fromCodexUsage, fromOpenAI, fromOpenAIUsage } from './openai.js';
import { child, isRecord, isUnknownShape, type NormalizedUsage, unknownShape } from './read.js';

export type { NormalizedUsage };
export {
  fromAiSdk,
  fromAiSdkUsage,
  fromAnthropic,
  fromAnthropicUsage,
  fromCodex,
  fromCodexUsage,
  fromGemini,
  fromGeminiCli,
  fromGeminiCliUsage,
  fromGeminiUsage,
  fromOllama,
  fromOllamaUsage,
  fromOpenAI,
  fromOpenAIUsage,
  mergeAnthropicStream,
};

/** Names `normalizeUsage` understands; `'auto'` detects the shape. */
export type UsageShape =
  | 'auto'
  | 'openai'
  | 'anthropic'
  | 'gemini'
  | 'google'
  | 'gemini-cli'
  | 'codex'
  | 'ollama'
  | 'ai-sdk';

/**
 * Detects which provider shape a raw response or usage object has, or `undefined`. Order matters:
 * the distinguishing keys are checked before the shared `input_tokens`.
 * @param raw - a provider response, its stream events, or a bare usage object.
 */
export function detectUsageShape(raw: unknown): Exclude<UsageShape, 'auto' | 'google'> | undefined {
  if (Array.isArray(raw)) {
    const first = raw.find(isRecord);
    if (!first) return undefined;
    if (first.type === 'message_start' || first.type === 'message_delta') return 'anthropic';
    if ('usageMetadata' in first || raw.some((c) => isRecord(c) && 'usageMetadata' in c)) return 'gemini';
    if ('done' in first) return 'ollama';
    return undefined;
  }
  if (!isRecord(raw)) return undefined;
  if (raw.type === 'message_start' || raw.type === 'message_delta') return 'anthropic';
  if ('usageMetadata' in raw || 'promptTokenCount' in raw) return 'gemini';
  if ('prompt_eval_count' in raw || 'eval_count' in raw) return 'ollama';
  const usage = child(raw, 'totalUsage') ?? child(raw, 'usage') ?? raw;
  if ('inputTokens' in usage || 'outputTokens' in usage) return 'ai-sdk';
  if ('prompt_tokens' in usage || 'completion_tokens' in usage) return 'openai';
  if ('cached_input_tokens' in usage || 'reasoning_output_tokens' in usage) return 'codex';
  if ('input_tokens_details' in usage || 'output_tokens_details' in usage || raw.object === 'response') {
    return 'openai';
  }
  if ('input_tokens' in usage || 'cache_creation_input_tokens' in usage) return 'anthropic';
  if ('input' in usage && 'output' in usage && ('thoughts' in usage || 'cached' in usage))
    return 'gemini-cli';
  return undefined;
}

const NORMALIZERS: Record<string, (raw: unknown) => NormalizedUsage> = {
  openai: fromOpenAIUsage,
  anthropic: fromAnthropicUsage,
  gemini: fromGeminiUsage,
  google: fromGeminiUsage,
  'gemini-cli': fromGeminiCliUsage,
  codex: fromCodexUsage,
  ollama: fromOllamaUsage,
  'ai-sdk': fromAiSdkUsage,
};

/**
 * Normalizes any supported provider response (or its bare usage object) into {@link NormalizedUsage}.
 * `shape` is a provider name or `'auto'`; a provider name is a hint, because the same provider is often
 * reached through another wire format (Ollama's or OpenRouter's OpenAI-compatible endpoints), so an
 * unrecognized shape falls back to detection. Throws `CtxkitError('INVALID_ARGUMENT')` for an unknown
 * shape or a negative / NaN / non-numeric count.
 * @param shape - a provider name (a hint) or `'auto'` to detect.
 * @param raw - a provider response, a list of its stream events, or its bare usage object.
 */
export function normalizeUsage(shape: UsageShape | string, raw: unknown): NormalizedUsage {
  const named = shape === 'auto' ? undefined : NORMALIZERS[shape];
  if (named) {
    try {
      return named(raw);
    } catch (error) {
      if (!isUnknownShape(error)) throw error;
      const detected = detectUsageShape(raw);
      if (detected && NORMALIZERS[detected] !== named) return NORMALIZERS[detected]!(raw);
      throw error;
    }
  }
  const detected = detectUsageShape(raw);
  if (!detected) throw unknownShape(String(shape), raw);
  return NORMALIZERS[detected]!(raw);
}
