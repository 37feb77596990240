import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectModel, MODEL_NAME_MAX_CHARS } from './detect.js';
import type { VocabularyId } from './vocabularies.js';

const CASES: [provider: string, model: string, vocabulary: VocabularyId, exact: boolean][] = [
  ['openai', 'gpt-4o', 'o200k_base', true],
  ['openrouter', 'openai/gpt-4o', 'o200k_base', true],
  ['openai', 'gpt-4o-mini-2024-07-18', 'o200k_base', true],
  ['openai', 'GPT-4.1-mini', 'o200k_base', true],
  ['openai', 'gpt-5', 'o200k_base', true],
  ['openai', 'gpt-5-codex', 'o200k_base', true],
  ['openai', 'o1', 'o200k_base', true],
  ['openai', 'o3-mini', 'o200k_base', true],
  ['openai', 'o4-mini', 'o200k_base', true],
  ['openai', 'gpt-4', 'cl100k_base', true],
  ['openai', 'gpt-4-0613', 'cl100k_base', true],
  ['openai', 'gpt-4-turbo', 'cl100k_base', true],
  ['openai', 'gpt-3.5-turbo', 'cl100k_base', true],
  ['openai', 'text-embedding-3-small', 'cl100k_base', true],
  ['ollama', 'gpt-oss:20b', 'o200k_harmony', true],
  ['openrouter', 'openai/gpt-oss-120b', 'o200k_harmony', true],
  ['anthropic', 'claude-sonnet-4-5-20250929', 'claude', false],
  ['bedrock', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude', false],
  ['vertex', 'claude-3-5-sonnet@20240620', 'claude', false],
  ['openrouter', 'anthropic/claude-opus-4.6', 'claude', false],
  ['ollama', 'llama3.1:8b', 'llama3', true],
  ['ollama', 'llama3:latest', 'llama3', true],
  ['together', 'meta-llama/Llama-3.3-70B-Instruct', 'llama3', true],
  ['groq', 'llama-3.3-70b-versatile', 'llama3', true],
  ['ollama', 'qwen2.5-coder:7b-instruct-q4_K_M', 'qwen2', true],
  ['ollama', 'qwen3:8b', 'qwen2', true],
  ['ollama', 'qwen3-coder:480b-cloud', 'qwen2', true],
  ['openrouter', 'qwen/qwen-2.5-72b-instruct', 'qwen2', true],
  ['ollama', 'qwq:32b', 'qwen2', true],
  ['ollama', 'gemma3:12b', 'gemma3', true],
  ['google', 'gemini-2.0-flash', 'gemma3', true],
  ['google', 'gemini-2.5-pro', 'gemma3', true],
  ['google', 'gemini-3-pro-preview', 'gemma3', true],
  ['google', 'gemini-3.1-pro', 'fallback', false],
  ['ollama', 'mistral:7b', 'mistral_v1', true],
  ['mistral', 'mistral-large-latest', 'mistral_v1', true],
  ['ollama', 'mixtral:8x7b', 'mistral_v1', true],
  ['mistral', 'codestral-2405', 'mistral_v1', true],
  ['ollama', 'mistral-nemo:12b', 'tekken', true],
  ['mistral', 'open-mistral-nemo', 'tekken', true],
  ['ollama', 'devstral:24b', 'tekken', false],
  ['mistral', 'ministral-8b-latest', 'tekken', false],
  ['mistral', 'magistral-medium-latest', 'tekken', false],
  ['ollama', 'mistral-small3.1', 'tekken', false],
  ['mistral', 'mistral-small-3.2', 'tekken', false],
  ['mistral', 'pixtral-12b', 'tekken', false],
  ['deepseek', 'deepseek-chat', 'deepseek_v3', true],
  ['deepseek', 'deepseek-reasoner', 'deepseek_v3', true],
  ['ollama', 'deepseek-r1:671b', 'deepseek_v3', true],
  ['openrouter', 'deepseek/deepseek-r1', 'deepseek_v3', true],
  ['ollama', 'deepseek-r1:14b', 'qwen2', false],
  ['ollama', 'deepseek-r1:1.5b-qwen-distill-q4_K_M', 'qwen2', false],
  ['ollama', 'deepseek-r1:8b', 'qwen2', false],
  ['ollama', 'deepseek-r1', 'qwen2', false],
  ['ollama', 'deepseek-r1:latest', 'qwen2', false],
  ['ollama', 'deepseek-r1:70b', 'llama3', false],
  ['together', 'deepseek-ai/DeepSeek-R1-Distill-Qwen-14B', 'qwen2', false],
  ['together', 'deepseek-ai/DeepSeek-R1-Distill-Llama-70B', 'llama3', false],
  ['huggingface', 'deepseek-ai/DeepSeek-R1-0528-Qwen3-8B', 'qwen2', false],
  ['openrouter', 'deepseek/deepseek-v3.1', 'deepseek_v3', true],
  ['ollama', 'dolphin-mixtral:8x7b', 'mistral_v1', true],
  ['ollama', 'dolphin3:8b', 'fallback', false],
  ['ollama', 'phi4:14b', 'cl100k_base', false],
  ['ollama', 'phi4-mini:3.8b', 'o200k_base', false],
  ['ollama', 'kimi-k2:1t-cloud', 'fallback', false],
  ['moonshot', 'kimi-k2-0905-preview', 'fallback', false],
  ['ollama', 'glm-4.6:cloud', 'fallback', false],
  ['openrouter', 'z-ai/glm-4.5-air', 'fallback', false],
  ['ollama', 'glm4:9b', 'fallback', false],
  ['ollama', 'gemma3n:e4b', 'gemma3', true],
  ['ollama', 'llama4:scout', 'fallback', false],
  ['together', 'meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8', 'fallback', false],
  ['mistral', 'mistral-medium-3.1', 'tekken', false],
  ['whatever', 'some-new-model', 'fallback', false],
];

describe('detectModel', () => {
  it.each(CASES)('%s %s → %s', (provider, model, vocabulary, exact) => {
    const d = detectModel(provider, model);
    expect({ vocabulary: d.vocabulary, exact: d.exact }).toEqual({ vocabulary, exact });
    expect(d.reason.length).toBeGreaterThan(0);
  });

  it("knows this year's open-weight families' published windows", () => {
    const windows: [string, number][] = [
      ['kimi-k2', 131_072],
      ['kimi-k2-0905-preview', 262_144],
      ['glm-4.6', 202_752],
      ['glm-4.5', 131_072],
      ['qwen3-coder:30b', 262_144],
      ['qwen3:8b', 131_072],
      ['gemma3n:e2b', 32_768],
      ['gemma3:27b', 131_072],
      ['gpt-oss:20b', 131_072],
      ['meta-llama/Llama-4-Scout-17B-16E-Instruct', 10_485_760],
      ['llama4:maverick', 1_048_576],
      ['llama3.1:8b', 131_072],
      ['devstral:24b', 131_072],
      ['phi4:14b', 16_384],
    ];
    for (const [model, window] of windows) {
      expect([model, detectModel('ollama', model).contextWindow]).toEqual([model, window]);
    }
  });

  it('is case-insensitive and ignores :cloud / -cloud tags', () => {
    expect(detectModel('OLLAMA', 'Qwen3:8B').vocabulary).toBe('qwen2');
    expect(detectModel('ollama', 'gpt-oss:120b-cloud').vocabulary).toBe('o200k_harmony');
    expect(detectModel('ollama', 'deepseek-v3.1:671b-cloud').vocabulary).toBe('deepseek_v3');
  });

  it('"dolphin" never matches "phi"', () => {
    expect(detectModel('ollama', 'dolphin-llama3:8b').vocabulary).toBe('llama3');
    expect(detectModel('ollama', 'dolphin-mistral:7b').vocabulary).toBe('mistral_v1');
  });

  it('never throws, for any input', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (p, m) => {
        const d = detectModel(p as string, m as string);
        expect(typeof d.vocabulary).toBe('string');
      }),
    );
  });

  it('unknown models get the fallback with a reason', () => {
    const d = detectModel('acme', 'brand-new-9000');
    expect(d).toMatchObject({ vocabulary: 'fallback', exact: false, family: 'unknown' });
    expect(d.reason).toContain('brand-new-9000');
  });

  it('reads only the first MODEL_NAME_MAX_CHARS characters of a name', () => {
    const long = 'x'.repeat(MODEL_NAME_MAX_CHARS);
    expect(detectModel('openrouter', `${long}/gpt-4o`).vocabulary).toBe('fallback');
    expect(detectModel('openrouter', `openai/gpt-4o:${long}`).vocabulary).toBe('o200k_base');
    expect(detectModel('ollama', `  qwen3:${long}`).vocabulary).toBe('qwen2');
  });

  it('keeps the reason short for a huge hostile name (100 KB of colons ending in a slash)', () => {
    for (const model of [
      `${':'.repeat(100_000)}/`,
      `${'a:'.repeat(50_000)}/`,
      `gpt-5${'.-'.repeat(50_000)}!`,
    ]) {
      const d = detectModel(':'.repeat(100_000), model);
      expect(d.reason.length).toBeLessThan(3 * MODEL_NAME_MAX_CHARS);
    }
  });

  it('cuts the tag at the first colon after the last slash', () => {
    expect(detectModel('ollama', 'hf.co/unsloth/Qwen3-8B-GGUF:Q4_K_M').vocabulary).toBe('qwen2');
    expect(detectModel('bedrock', 'us.anthropic.claude-3-5-sonnet-20241022-v2:0').vocabulary).toBe('claude');
    expect(detectModel('x', 'a:b/gemma3:12b:extra').vocabulary).toBe('gemma3');
  });
});
