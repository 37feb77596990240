import { readFileSync } from 'node:fs';
import { isCtxkitError } from '@ctxkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  detectUsageShape,
  fromAiSdkUsage,
  fromAnthropicUsage,
  fromGeminiUsage,
  fromOllamaUsage,
  fromOpenAIUsage,
  mergeAnthropicStream,
  normalizeUsage,
} from './index.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url), 'utf8'));

function expectCtxkit(fn: () => unknown, code = 'INVALID_ARGUMENT') {
  try {
    fn();
  } catch (error) {
    expect(isCtxkitError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    return;
  }
  throw new Error('expected a CtxkitError');
}

describe('OpenAI', () => {
  it('chat completions: prompt_tokens already includes cached, completion includes reasoning', () => {
    const raw = fixture('openai-chat.json');
    const n = fromOpenAIUsage(raw);
    expect(n.usage).toEqual({
      inputTokens: raw.usage.prompt_tokens,
      cachedInputTokens: raw.usage.prompt_tokens_details.cached_tokens,
      cacheWriteTokens: 0,
      outputTokens: raw.usage.completion_tokens,
      reasoningTokens: raw.usage.completion_tokens_details.reasoning_tokens,
    });
    expect(n.usage.inputTokens + n.usage.outputTokens).toBe(raw.usage.total_tokens);
    expect(n.model).toBe(raw.model);
    expect(n.responseId).toBe(raw.id);
    expect(n.warnings).toEqual([]);
  });

  it('responses API: input_tokens includes input_tokens_details.cached_tokens', () => {
    const raw = fixture('openai-responses.json');
    const n = fromOpenAIUsage(raw);
    expect(n.usage.inputTokens).toBe(raw.usage.input_tokens);
    expect(n.usage.cachedInputTokens).toBe(raw.usage.input_tokens_details.cached_tokens);
    expect(n.usage.inputTokens + n.usage.outputTokens).toBe(raw.usage.total_tokens);
    expect(detectUsageShape(raw)).toBe('openai');
  });
});

describe('Anthropic', () => {
  it('message: input_tokens excludes cache read and write, so the total is their sum', () => {
    const raw = fixture('anthropic-message.json');
    const n = fromAnthropicUsage(raw);
    const u = raw.usage;
    expect(n.usage).toEqual({
      inputTokens: u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens,
      cachedInputTokens: u.cache_read_input_tokens,
      cacheWriteTokens: u.cache_creation_input_tokens,
      outputTokens: u.output_tokens,
      reasoningTokens: 0,
    });
    expect(n.responseId).toBe(raw.id);
  });

  it('stream: message_delta usage is cumulative and replaces message_start values (no double count)', () => {
    const events = fixture('anthropic-stream.json');
    const n = mergeAnthropicStream(events);
    const start = events[0].message.usage;
    const delta = events.find((e: { type: string }) => e.type === 'message_delta').usage;
    expect(n.usage.outputTokens).toBe(delta.output_tokens);
    expect(n.usage.inputTokens).toBe(
      start.input_tokens + start.cache_creation_input_tokens + start.cache_read_input_tokens,
    );
    expect(n.usage.cacheWrite1hTokens).toBe(start.cache_creation.ephemeral_1h_input_tokens);
    expect(n.model).toBe('claude-opus-4-6');
    expect(n.responseId).toBe(events[0].message.id);
    // The same merge through the generic entry point and auto-detection.
    expect(normalizeUsage('auto', events).usage).toEqual(n.usage);
    expect(fromAnthropicUsage(events).usage).toEqual(n.usage);
  });

  it('stream with an old-style delta carrying only output_tokens keeps the input side', () => {
    const events = fixture('anthropic-stream.json');
    const delta = { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 15 } };
    const n = mergeAnthropicStream([events[0], delta]);
    expect(n.usage.outputTokens).toBe(15);
    expect(n.usage.cachedInputTokens).toBe(events[0].message.usage.cache_read_input_tokens);
  });
});

describe('Gemini', () => {
  it('usageMetadata: prompt includes cached; output = candidates + thoughts', () => {
    const raw = fixture('gemini.json');
    const n = fromGeminiUsage(raw);
    const m = raw.usageMetadata;
    expect(n.usage).toEqual({
      inputTokens: m.promptTokenCount,
      cachedInputTokens: m.cachedContentTokenCount,
      cacheWriteTokens: 0,
      outputTokens: m.candidatesTokenCount + m.thoughtsTokenCount,
      reasoningTokens: m.thoughtsTokenCount,
    });
    expect(n.usage.inputTokens + n.usage.outputTokens).toBe(m.totalTokenCount);
    expect(n.warnings).toEqual([]);
    expect(n.model).toBe('gemini-2.5-pro');
    expect(normalizeUsage('google', raw).usage).toEqual(n.usage);
  });
});

describe('Ollama', () => {
  it('final chunk: counts plus durations converted from nanoseconds', () => {
    const chunks = fixture('ollama-stream.json');
    const last = chunks[chunks.length - 1];
    const n = fromOllamaUsage(chunks);
    expect(n.usage.inputTokens).toBe(last.prompt_eval_count);
    expect(n.usage.outputTokens).toBe(last.eval_count);
    expect(n.latency?.totalMs).toBeCloseTo(last.total_duration / 1e6, 9);
    expect(n.latency?.evalMs).toBeCloseTo(last.eval_duration / 1e6, 9);
    expect(n.latency?.loadMs).toBeCloseTo(last.load_duration / 1e6, 9);
    expect(normalizeUsage('auto', last).usage).toEqual(n.usage);
  });

  it('a fully cached prompt without prompt_eval_count reads as 0 with a warning', () => {
    const n = fromOllamaUsage({ model: 'llama3.2', done: true, eval_count: 5, eval_duration: 1000 });
    expect(n.usage.inputTokens).toBe(0);
    expect(n.warnings.join()).toContain('prompt_eval_count');
  });

  it('Ollama through its OpenAI-compatible endpoint falls back to the OpenAI shape', () => {
    const n = normalizeUsage('ollama', {
      model: 'qwen3:8b',
      usage: { prompt_tokens: 40, completion_tokens: 9, total_tokens: 49 },
    });
    expect(n.usage.inputTokens).toBe(40);
    expect(n.usage.outputTokens).toBe(9);
  });
});

describe('AI SDK', () => {
  const shapes = fixture('ai-sdk.json');
  it('v6 LanguageModelUsage: details partition the totals', () => {
    const n = fromAiSdkUsage({ usage: shapes.v6 });
    expect(n.usage).toEqual({
      inputTokens: shapes.v6.inputTokens,
      cachedInputTokens: shapes.v6.inputTokenDetails.cacheReadTokens,
      cacheWriteTokens: shapes.v6.inputTokenDetails.cacheWriteTokens,
      outputTokens: shapes.v6.outputTokens,
      reasoningTokens: shapes.v6.outputTokenDetails.reasoningTokens,
    });
  });
  it('v5 LanguageModelUsage (OpenAI-style totals)', () => {
    const n = fromAiSdkUsage(shapes.v5);
    expect(n.usage.inputTokens + n.usage.outputTokens).toBe(shapes.v5.totalTokens);
    expect(n.usage.cachedInputTokens).toBe(shapes.v5.cachedInputTokens);
  });
  it('v5 Google provider reports reasoning outside outputTokens; totalTokens reveals it', () => {
    const n = fromAiSdkUsage(shapes.v5google);
    expect(n.usage.outputTokens).toBe(shapes.v5google.outputTokens + shapes.v5google.reasoningTokens);
    expect(n.usage.inputTokens + n.usage.outputTokens).toBe(shapes.v5google.totalTokens);
  });
});

describe('bad input', () => {
  it('negative, NaN and non-numeric counts are typed errors', () => {
    expectCtxkit(() => fromOpenAIUsage({ usage: { prompt_tokens: -1, completion_tokens: 2 } }));
    expectCtxkit(() => fromAnthropicUsage({ usage: { input_tokens: Number.NaN, output_tokens: 2 } }));
    expectCtxkit(() =>
      fromGeminiUsage({ usageMetadata: { promptTokenCount: '12', candidatesTokenCount: 1 } }),
    );
    expectCtxkit(() => fromOllamaUsage({ done: true, prompt_eval_count: Infinity, eval_count: 1 }));
  });
  it('unknown shapes are typed errors naming the keys seen', () => {
    for (const raw of [null, 42, 'x', [], {}, { tokens: 5 }, { usage: { foo: 1 } }]) {
      expectCtxkit(() => normalizeUsage('auto', raw));
    }
    try {
      normalizeUsage('auto', { tokens: 5 });
    } catch (error) {
      expect((error as { details: { keys: string[] } }).details.keys).toEqual(['tokens']);
    }
  });
  it('missing fields read as 0 with a warning; impossible cache counts are clamped with a warning', () => {
    const n = fromOpenAIUsage({ usage: { prompt_tokens: 10 } });
    expect(n.usage.outputTokens).toBe(0);
    expect(n.warnings.join()).toContain('completion_tokens');
    const c = fromOpenAIUsage({
      usage: { prompt_tokens: 10, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 50 } },
    });
    expect(c.usage.inputTokens).toBe(50);
    expect(c.warnings.length).toBe(1);
  });
});

describe('invariants (property)', () => {
  const n = fc.nat({ max: 2_000_000 });
  it('Anthropic: total input = uncached + read + write, for any counts', () => {
    fc.assert(
      fc.property(n, n, n, n, (input, write, read, output) => {
        const u = fromAnthropicUsage({
          usage: {
            input_tokens: input,
            cache_creation_input_tokens: write,
            cache_read_input_tokens: read,
            output_tokens: output,
          },
        }).usage;
        return (
          u.inputTokens === input + write + read &&
          u.cachedInputTokens === read &&
          u.cacheWriteTokens === write
        );
      }),
    );
  });
  it('OpenAI: the cached part never adds to the total', () => {
    fc.assert(
      fc.property(n, n, n, (a, b, out) => {
        const [cached, prompt] = a < b ? [a, b] : [b, a];
        const u = fromOpenAIUsage({
          usage: {
            prompt_tokens: prompt,
            completion_tokens: out,
            prompt_tokens_details: { cached_tokens: cached },
          },
        }).usage;
        return u.inputTokens === prompt && u.cachedInputTokens === cached && u.outputTokens === out;
      }),
    );
  });
});

describe('deprecated names', () => {
  it('each former from… name of the package is its …Usage normalizer', async () => {
    const api: Record<string, unknown> = await import('../index.js');
    for (const name of [
      'fromAiSdk',
      'fromAnthropic',
      'fromCodex',
      'fromGemini',
      'fromGeminiCli',
      'fromOllama',
      'fromOpenAI',
    ]) {
      expect(typeof api[`${name}Usage`], name).toBe('function');
      expect(api[name], name).toBe(api[`${name}Usage`]);
    }
  });
});
