import { TokenizerLoader } from '@lenml/tokenizers';
import { readDataFile } from '../data-files.js';
import type { TextEngine } from './engine.js';

// Node 20 has String.prototype.toWellFormed; the ES2022 lib typings do not.
const toWellFormed = (text: string): string => (text as unknown as { toWellFormed(): string }).toWellFormed();

interface LenmlTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
}

/**
 * A Hugging Face `tokenizer.json` vocabulary run by `@lenml/tokenizers`. The data file is
 * the upstream `tokenizer.json` with its *special* added tokens removed at build time
 * (`scripts/extract-data.mjs`), so `<|im_start|>` typed in content is ordinary text;
 * non-special added tokens (Qwen's `<tool_call>`, Gemma's whitespace runs) stay, because
 * the provider's tokenizer applies them to ordinary text.
 */
export class HfEngine implements TextEngine {
  readonly residentBytes: number;
  private readonly tokenizer: LenmlTokenizer;

  constructor(tokenizerJSON: object, tokenizerConfig: object, residentBytes: number) {
    this.tokenizer = TokenizerLoader.fromPreTrained({
      tokenizerJSON,
      tokenizerConfig,
    } as Parameters<typeof TokenizerLoader.fromPreTrained>[0]) as unknown as LenmlTokenizer;
    this.residentBytes = residentBytes;
  }

  encode(text: string): number[] {
    // Lone surrogates become U+FFFD, as they do on the way to any provider (UTF-8).
    return this.tokenizer.encode(toWellFormed(text), { add_special_tokens: false });
  }

  count(text: string): number {
    return text.length === 0 ? 0 : this.encode(text).length;
  }
}

/** Measured heap after load (bench/tokenizers.bench.ts), used as `residentBytes`. */
const RESIDENT: Record<string, number> = {
  gemma3: 120e6,
  deepseek_v3: 50e6,
  mistral_v1: 19e6,
};

/** Loads one extracted `data/<vocabulary>.json.br` (tokenizer.json + trimmed config). */
export function loadHfEngine(
  vocabulary: 'llama3' | 'qwen2' | 'gemma3' | 'deepseek_v3' | 'mistral_v1',
): HfEngine {
  const data = JSON.parse(readDataFile(`${vocabulary}.json.br`)) as { tokenizer: object; config: object };
  return new HfEngine(data.tokenizer, data.config, RESIDENT[vocabulary] ?? 100e6);
}
