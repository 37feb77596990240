import type { VocabularyId } from './vocabularies.js';

/** What {@link detectModel} decided for a provider/model pair, and why. */
export interface ModelDetection {
  /** Model family, e.g. `openai`, `claude`, `llama3`, `qwen`, `gemini`. */
  family: string;
  /** The vocabulary that counts for it. */
  vocabulary: VocabularyId;
  /** `true` when the vocabulary is the model's own public vocabulary. */
  exact: boolean;
  /** Context window in tokens, when the family's is well known. */
  contextWindow?: number;
  /** Which rule matched, in words. */
  reason: string;
}

/** One routing rule: the first rule whose pattern matches the normalized model wins. */
interface Rule {
  /** Tested against the normalized model name (lowercase, provider prefix and tags removed). */
  readonly pattern: RegExp;
  readonly family: string;
  readonly vocabulary: VocabularyId;
  /** Defaults to the vocabulary's exactness; `false` marks a near-miss vocabulary. */
  readonly exact?: boolean;
  readonly contextWindow?: number;
  readonly reason: string;
}

// Word boundary that treats `-`, `.`, `_`, `/` and `:` as separators, so "dolphin" never
// matches "phi" and "gpt-4o" never matches "gpt-4".
const B = '(?:^|[^a-z0-9])';
const E = '(?=$|[^a-z0-9])';
const rx = (body: string) => new RegExp(`${B}(?:${body})${E}`);

/**
 * The routing table, most specific first. Each rule is tested by `detect.test.ts`.
 * Sources: OpenAI model docs and tiktoken's model map; Meta, Qwen, Google, Mistral and
 * DeepSeek tokenizer cards (see RESEARCH.md §2).
 */
export const MODEL_RULES: readonly Rule[] = [
  // OpenAI
  {
    pattern: rx('gpt-oss(?:-\\w+)*'),
    family: 'gpt-oss',
    vocabulary: 'o200k_harmony',
    contextWindow: 131_072,
    reason: 'gpt-oss uses the o200k_harmony encoding',
  },
  {
    pattern: rx('gpt-5(?:[.-][\\w.]+)*'),
    family: 'openai',
    vocabulary: 'o200k_base',
    contextWindow: 400_000,
    reason: 'GPT-5 models use o200k_base',
  },
  {
    pattern: rx('gpt-4\\.1(?:-\\w+)*'),
    family: 'openai',
    vocabulary: 'o200k_base',
    contextWindow: 1_047_576,
    reason: 'GPT-4.1 models use o200k_base',
  },
  {
    pattern: rx('gpt-4\\.5(?:-\\w+)*'),
    family: 'openai',
    vocabulary: 'o200k_base',
    contextWindow: 128_000,
    reason: 'GPT-4.5 uses o200k_base',
  },
  {
    pattern: rx('(?:chatgpt-)?gpt-4o(?:-\\w+)*|chatgpt-4o(?:-\\w+)*'),
    family: 'openai',
    vocabulary: 'o200k_base',
    contextWindow: 128_000,
    reason: 'GPT-4o models use o200k_base',
  },
  {
    pattern: rx('o[134](?:-(?:mini|pro|preview|deep-research))*'),
    family: 'openai',
    vocabulary: 'o200k_base',
    contextWindow: 200_000,
    reason: 'o-series reasoning models use o200k_base',
  },
  {
    pattern: rx('gpt-4(?:-turbo|-32k|-\\d{4}|-vision)?(?:-\\w+)*'),
    family: 'openai',
    vocabulary: 'cl100k_base',
    contextWindow: 128_000,
    reason: 'GPT-4 and GPT-4 Turbo use cl100k_base',
  },
  {
    pattern: rx('gpt-3\\.5-turbo(?:-\\w+)*|gpt-35-turbo(?:-\\w+)*'),
    family: 'openai',
    vocabulary: 'cl100k_base',
    contextWindow: 16_385,
    reason: 'GPT-3.5 Turbo uses cl100k_base',
  },
  {
    pattern: rx('text-embedding-(?:3-\\w+|ada-002)'),
    family: 'openai',
    vocabulary: 'cl100k_base',
    contextWindow: 8_191,
    reason: 'OpenAI embedding models use cl100k_base',
  },
  // Anthropic, on every route (anthropic, bedrock `anthropic.claude-…`, vertex `claude-…@…`, openrouter)
  {
    pattern: /claude/,
    family: 'claude',
    vocabulary: 'claude',
    contextWindow: 200_000,
    reason: 'Claude has no public tokenizer: calibrated estimate',
  },
  // DeepSeek-R1 distills (before Meta and Qwen, whose names they contain): the base model's BPE,
  // DeepSeek swapped only the special tokens, so text counts match and framing may not.
  {
    pattern: rx('deepseek-r1-(?:0528-)?(?:distill-)?qwen(?:[.-]?\\w+)*'),
    family: 'deepseek',
    vocabulary: 'qwen2',
    exact: false,
    contextWindow: 131_072,
    reason: "DeepSeek-R1 Qwen distill: Qwen2's BPE with DeepSeek's special tokens",
  },
  {
    pattern: rx('deepseek-r1-distill-llama(?:-\\w+)*'),
    family: 'deepseek',
    vocabulary: 'llama3',
    exact: false,
    contextWindow: 131_072,
    reason: "DeepSeek-R1 Llama distill: Llama 3's BPE with DeepSeek's special tokens",
  },
  // Meta
  {
    pattern: rx('llama-?4-scout(?:-\\w+)*'),
    family: 'llama4',
    vocabulary: 'fallback',
    contextWindow: 10_485_760,
    reason: 'Llama 4 has its own 202k vocabulary (not shipped): estimate; Scout: 10M window',
  },
  {
    pattern: rx('llama-?4(?:-\\w+)*'),
    family: 'llama4',
    vocabulary: 'fallback',
    contextWindow: 1_048_576,
    reason: 'Llama 4 has its own 202k vocabulary (not shipped): estimate; 1M window (Maverick; Scout: 10M)',
  },
  {
    pattern: rx('llama-?3(?:[.-]\\d+)*(?:-\\w+)*'),
    family: 'llama3',
    vocabulary: 'llama3',
    contextWindow: 131_072,
    reason: 'Llama 3.x uses the Llama 3 tiktoken-style vocabulary',
  },
  // Qwen
  {
    pattern: rx('qwen-?3-coder(?:[.-]?\\w+)*'),
    family: 'qwen',
    vocabulary: 'qwen2',
    contextWindow: 262_144,
    reason: 'Qwen3-Coder uses the Qwen2 vocabulary; 256K native window',
  },
  {
    pattern: rx('qwen-?(?:2\\.5|3)(?:[.-]?\\w+)*|qwq(?:-\\w+)*|qwen-?2(?:-\\w+)*'),
    family: 'qwen',
    vocabulary: 'qwen2',
    contextWindow: 131_072,
    reason: 'Qwen2/2.5/3 and QwQ share the Qwen2 vocabulary',
  },
  // Google
  {
    pattern: rx('gemma-?3n(?:-\\w+)*'),
    family: 'gemma',
    vocabulary: 'gemma3',
    contextWindow: 32_768,
    reason: 'Gemma 3n uses the Gemma 3 vocabulary; 32K window',
  },
  {
    pattern: rx('gemma-?3n?(?:-\\w+)*'),
    family: 'gemma',
    vocabulary: 'gemma3',
    contextWindow: 131_072,
    reason: 'Gemma 3 vocabulary',
  },
  {
    pattern: rx('gemini-(?:2\\.0|2\\.5|3(?:\\.0)?-(?:pro|flash)-preview|3-preview)(?:-[\\w.]+)*'),
    family: 'gemini',
    vocabulary: 'gemma3',
    contextWindow: 1_048_576,
    reason: "Gemini 2.0/2.5/3-preview share Gemma 3's vocabulary (Google's SDK maps them so)",
  },
  {
    pattern: rx('gemini(?:-[\\w.]+)*'),
    family: 'gemini',
    vocabulary: 'fallback',
    reason: 'later Gemini vocabularies are not public: estimate',
  },
  // Mistral
  {
    pattern: rx('(?:open-)?mistral-nemo(?:-\\w+)*'),
    family: 'mistral',
    vocabulary: 'tekken',
    contextWindow: 131_072,
    reason: 'Mistral NeMo uses tekken (240718)',
  },
  {
    pattern: rx(
      'devstral(?:-\\w+)*|ministral(?:-\\w+)*|magistral(?:-\\w+)*|pixtral(?:-\\w+)*|mistral-small-?3(?:[.-]\\w+)*|mistral-medium-?3(?:[.-]\\w+)*|mistral-(?:small|medium)-(?:2[5-9]\\d\\d|latest)',
    ),
    family: 'mistral',
    vocabulary: 'tekken',
    exact: false,
    contextWindow: 131_072,
    reason: 'later tekken models: closest public tekken vocabulary, not exact',
  },
  {
    pattern: rx('(?:open-)?mistral(?:-\\w+)*|(?:open-)?mixtral(?:-\\w+)*|codestral(?:-\\w+)*'),
    family: 'mistral',
    vocabulary: 'mistral_v1',
    contextWindow: 32_768,
    reason: 'Mistral sentencepiece v1-v7 give identical counts on text',
  },
  // DeepSeek
  {
    pattern: rx('deepseek-(?:v3|r1|chat|reasoner)(?:[.-]\\w+)*|deepseek-v3\\.\\d+(?:-\\w+)*'),
    family: 'deepseek',
    vocabulary: 'deepseek_v3',
    contextWindow: 131_072,
    reason: 'DeepSeek-V3/R1 vocabulary',
  },
  // Open-weight families whose vocabulary is not shipped: estimated, with their published windows
  {
    pattern: rx('kimi-k2-(?:0905|thinking|turbo)(?:-\\w+)*'),
    family: 'kimi',
    vocabulary: 'fallback',
    contextWindow: 262_144,
    reason: "Kimi K2 (0905, thinking): Moonshot's 160k tiktoken-style vocabulary is not shipped: estimate",
  },
  {
    pattern: rx('kimi-k2(?:-\\w+)*'),
    family: 'kimi',
    vocabulary: 'fallback',
    contextWindow: 131_072,
    reason: "Kimi K2: Moonshot's 160k tiktoken-style vocabulary is not shipped: estimate",
  },
  {
    pattern: rx('glm-?4\\.6(?:-\\w+)*'),
    family: 'glm',
    vocabulary: 'fallback',
    contextWindow: 202_752,
    reason: "GLM-4.6: Zhipu's own vocabulary is not shipped: estimate; 200K window",
  },
  {
    pattern: rx('glm-?4(?:[.-]\\w+)*'),
    family: 'glm',
    vocabulary: 'fallback',
    contextWindow: 131_072,
    reason: "GLM-4 / 4.5: Zhipu's own vocabulary is not shipped: estimate; 128K window",
  },
  {
    pattern: rx('phi-?4-mini(?:-\\w+)*'),
    family: 'phi',
    vocabulary: 'o200k_base',
    exact: false,
    contextWindow: 131_072,
    reason: "Phi-4-mini's 200k vocabulary is built on o200k_base: close, not exact",
  },
  {
    pattern: rx('phi-?4(?:-\\w+)*'),
    family: 'phi',
    vocabulary: 'cl100k_base',
    exact: false,
    contextWindow: 16_384,
    reason: "Phi-4's tiktoken vocabulary is cl100k_base plus its own special tokens: close, not exact",
  },
];

/**
 * {@link detectModel} looks at no more than this many characters of a model name (after
 * trimming): real names, even Bedrock ARNs and Hugging Face paths with an Ollama tag, are
 * far shorter, and the cap bounds the time of every rule on any input.
 */
export const MODEL_NAME_MAX_CHARS = 256;

// Tags and suffixes that never change the vocabulary: Ollama tags (`:latest`, `:7b-instruct-q4_K_M`),
// `-cloud`, Vertex versions (`@20240620`), dates (`-2024-08-06`, `-20250219`, `-0613`).
// Cut by index, not by `/:[^/]*$/`-style patterns, which retry from every `:` (quadratic).
// The Ollama tag is returned beside the name: only the DeepSeek-R1 distills depend on it.
function normalizeModel(model: string): { name: string; tag: string } {
  let m = model.trim().slice(0, MODEL_NAME_MAX_CHARS).toLowerCase();
  const at = m.indexOf('@'); // vertex: claude-3-5-sonnet@20240620
  if (at !== -1) m = m.slice(0, at);
  // ollama / bedrock tags: from the first colon after the last slash
  const colon = m.indexOf(':', m.lastIndexOf('/') + 1);
  const tag = colon === -1 ? '' : m.slice(colon + 1);
  if (colon !== -1) m = m.slice(0, colon);
  if (m.endsWith('-cloud')) m = m.slice(0, -'-cloud'.length);
  m = m.replace(/-(?:\d{4}-\d{2}-\d{2}|\d{8})$/, '');
  return { name: m, tag };
}

// Ollama's `deepseek-r1` tags name the distilled models by size: 1.5b, 7b, 14b, 32b are
// DeepSeek-R1-Distill-Qwen, 8b (also `latest`, and a bare name on Ollama) is R1-0528-Qwen3-8B,
// 70b is DeepSeek-R1-Distill-Llama-70B; only 671b is DeepSeek-R1 itself. Rewritten to the
// Hugging Face name so the distill rules of MODEL_RULES decide.
function ollamaDistillName(
  provider: string,
  { name: normalized, tag }: { name: string; tag: string },
): string {
  if (!/(?:^|\/)deepseek-r1$/.test(normalized)) return normalized;
  if (tag === '' && provider !== 'ollama') return normalized;
  const size = /^(\d+(?:\.\d+)?)b(?![a-z0-9])/.exec(tag)?.[1];
  if (size === '70') return `${normalized}-distill-llama-70b`;
  if (size === '671') return normalized;
  if (size === undefined && tag !== '' && tag !== 'latest') return normalized;
  return `${normalized}-distill-qwen`;
}

/**
 * Which vocabulary counts tokens for a model, table-driven (see {@link MODEL_RULES}).
 * Case-insensitive; ignores provider prefixes (`openai/`, `anthropic.`), Ollama tags,
 * `-cloud` and date suffixes. Reads at most {@link MODEL_NAME_MAX_CHARS} characters of
 * `model`, in time linear in that. Never throws: unknown models get the fallback estimate.
 * @param provider the provider name (`''` when unknown); `anthropic` makes unknown names Claude
 * @param model the model id, with or without provider prefix, Ollama tag or date suffix
 * @example
 * ```ts
 * detectModel('ollama', 'qwen2.5-coder:7b-instruct-q4_K_M');
 * // { family: 'qwen', vocabulary: 'qwen2', exact: true, contextWindow: 131072, reason: '…' }
 * ```
 */
export function detectModel(provider: string, model: string): ModelDetection {
  const p = typeof provider === 'string' ? provider.trim().slice(0, MODEL_NAME_MAX_CHARS).toLowerCase() : '';
  const m = typeof model === 'string' ? ollamaDistillName(p, normalizeModel(model)) : '';
  for (const rule of MODEL_RULES) {
    if (rule.pattern.test(m)) {
      const exact = rule.exact ?? !(rule.vocabulary === 'claude' || rule.vocabulary === 'fallback');
      const out: ModelDetection = {
        family: rule.family,
        vocabulary: rule.vocabulary,
        exact,
        reason: rule.reason,
      };
      if (rule.contextWindow !== undefined) out.contextWindow = rule.contextWindow;
      return out;
    }
  }
  if (p === 'anthropic') {
    return {
      family: 'claude',
      vocabulary: 'claude',
      exact: false,
      contextWindow: 200_000,
      reason: 'anthropic provider: Claude estimate',
    };
  }
  return {
    family: 'unknown',
    vocabulary: 'fallback',
    exact: false,
    reason: `no rule matches model ${typeof model === 'string' ? JSON.stringify(model.trim().slice(0, MODEL_NAME_MAX_CHARS)) : `of type ${model === null ? 'null' : typeof model}`} at provider ${JSON.stringify(p.slice(0, MODEL_NAME_MAX_CHARS))}: character-class estimate`,
  };
}
