import { CLAUDE_FRAMING } from './estimate/index.js';
import type { VocabularyId } from './vocabularies.js';

/** How a provider prices an image. */
export type ImagePolicy =
  | { kind: 'openai' }
  | { kind: 'anthropic' }
  | { kind: 'flat'; tokens: number }
  | { kind: 'patches'; patch: number; maxSide: number };

/**
 * Fixed token costs a chat template adds around content, per vocabulary. Counts of the
 * content itself (role names, text, tool names and arguments, schemas) are tokenized
 * exactly; these constants cover the control tokens and separators around them.
 */
export interface Framing {
  /** Control tokens and separators around every message. */
  readonly perMessage: number;
  /** Whether the role name itself is tokenized (`<|im_start|>user`). */
  readonly roleTokens: boolean;
  /** Extra tokens when a message carries a `name`. */
  readonly perName: number;
  /** Once per request (BOS). */
  readonly perRequest: number;
  /** The assistant header that primes the reply. */
  readonly replyPriming: number;
  /** Around each tool call, besides its name and arguments. */
  readonly perToolCall: number;
  /** Around each tool result, besides the message framing. */
  readonly perToolResult: number;
  /** Around each tool definition, besides name, description and schema. */
  readonly perToolDefinition: number;
  /** Once when any tool is defined (the template's tool preamble). */
  readonly toolsPreamble: number;
  /** Around reasoning sent back with an assistant message. */
  readonly perReasoning: number;
  /** Image pricing. */
  readonly images: ImagePolicy;
  /** Where the constants come from. */
  readonly source: string;
}

const OPENAI: Framing = {
  perMessage: 3,
  roleTokens: true,
  perName: 1,
  perRequest: 0,
  replyPriming: 3,
  perToolCall: 5,
  perToolResult: 0,
  perToolDefinition: 7,
  toolsPreamble: 12,
  perReasoning: 0,
  images: { kind: 'openai' },
  source:
    'OpenAI cookbook "How to count tokens with tiktoken": tokens_per_message=3, tokens_per_name=1, reply priming 3; ' +
    'tool definitions func_init=7 per function and func_end=12 once (gpt-4o values). perToolCall=5 is our ' +
    'estimate from the harmony rendering (`to=functions.NAME <|constrain|>json<|message|>…<|call|>`).',
};

/** Per-vocabulary framing; `claude` is replaced by the calibrated CLAUDE_FRAMING. */
export const FRAMINGS: Readonly<Record<VocabularyId, Framing>> = {
  o200k_base: OPENAI,
  cl100k_base: OPENAI,
  o200k_harmony: {
    perMessage: 3,
    roleTokens: true,
    perName: 1,
    perRequest: 0,
    replyPriming: 2,
    perToolCall: 8,
    perToolResult: 3,
    perToolDefinition: 10,
    toolsPreamble: 20,
    perReasoning: 7,
    images: { kind: 'openai' },
    source:
      'OpenAI harmony format (gpt-oss model card): `<|start|>ROLE<|message|>…<|end|>` = 3 control tokens; reply ' +
      '`<|start|>assistant` = 2; tool calls add `<|channel|>commentary to=functions.NAME <|constrain|>json<|message|>…<|call|>` (~8); ' +
      'analysis (reasoning) is a separate `<|start|>assistant<|channel|>analysis<|message|>…<|end|>` message (7); tool ' +
      'definitions render as a TypeScript namespace (preamble ~20, ~10 per function).',
  },
  llama3: {
    perMessage: 4,
    roleTokens: true,
    perName: 1,
    perRequest: 1,
    replyPriming: 4,
    perToolCall: 8,
    perToolResult: 0,
    perToolDefinition: 12,
    toolsPreamble: 45,
    perReasoning: 0,
    images: { kind: 'flat', tokens: 1601 },
    source:
      'Meta Llama 3.1 prompt format: `<|start_header_id|>ROLE<|end_header_id|>\\n\\n…<|eot_id|>` (4 + role), ' +
      '`<|begin_of_text|>` once, reply header 4; JSON tool calls `{"name": …, "parameters": …}` (~8); tool list ' +
      'rendered as JSON objects after a fixed instruction (~45) ; Llama 3.2 Vision: 1601 tokens per image tile.',
  },
  qwen2: {
    perMessage: 4,
    roleTokens: true,
    perName: 1,
    perRequest: 0,
    replyPriming: 3,
    perToolCall: 13,
    perToolResult: 4,
    perToolDefinition: 12,
    toolsPreamble: 100,
    perReasoning: 6,
    images: { kind: 'patches', patch: 28, maxSide: 1280 },
    source:
      'Qwen2.5/Qwen3 ChatML template: `<|im_start|>ROLE\\n…<|im_end|>\\n` (4 + role), reply `<|im_start|>assistant\\n` (3); ' +
      'tool calls `<tool_call>\\n{"name": …, "arguments": …}\\n</tool_call>` (~13); results inside ' +
      '`<tool_response>\\n…\\n</tool_response>` (4); the "# Tools" system preamble (~100); `<think>\\n…\\n</think>\\n\\n` (6). ' +
      'Images: Qwen2.5-VL, one token per 28×28 patch.',
  },
  gemma3: {
    perMessage: 4,
    roleTokens: true,
    perName: 0,
    perRequest: 1,
    replyPriming: 3,
    perToolCall: 8,
    perToolResult: 0,
    perToolDefinition: 12,
    toolsPreamble: 20,
    perReasoning: 0,
    images: { kind: 'flat', tokens: 258 },
    source:
      'Gemma 3 template `<start_of_turn>ROLE\\n…<end_of_turn>\\n` (4 + role), `<bos>` once, reply `<start_of_turn>model\\n` (3); ' +
      'images: Gemini API docs, 258 tokens per image (Gemma 3: 256 soft tokens + 2 markers). Tool framing is our estimate.',
  },
  mistral_v1: {
    perMessage: 4,
    roleTokens: false,
    perName: 0,
    perRequest: 1,
    replyPriming: 0,
    perToolCall: 10,
    perToolResult: 4,
    perToolDefinition: 12,
    toolsPreamble: 8,
    perReasoning: 0,
    images: { kind: 'patches', patch: 16, maxSide: 1024 },
    source:
      'Mistral v1 template `<s>[INST] … [/INST] …</s>`: "[INST]" and "[/INST]" are plain sentencepiece text (~4 ' +
      'tokens per message averaged over a user/assistant pair), `<s>` once; tool framing follows mistral-common v3 (estimate).',
  },
  tekken: {
    perMessage: 2,
    roleTokens: false,
    perName: 0,
    perRequest: 1,
    replyPriming: 0,
    perToolCall: 10,
    perToolResult: 2,
    perToolDefinition: 12,
    toolsPreamble: 2,
    perReasoning: 2,
    images: { kind: 'patches', patch: 16, maxSide: 1024 },
    source:
      'mistral-common tekken: `[INST]`/`[/INST]` and `</s>` are single control tokens (≈2 per message), `<s>` once; ' +
      '`[TOOL_CALLS]` + JSON list (~10 per call), `[TOOL_RESULTS]…[/TOOL_RESULTS]` (2), `[AVAILABLE_TOOLS]…[/AVAILABLE_TOOLS]` (2); ' +
      'Pixtral images: one token per 16×16 patch plus a break per row.',
  },
  deepseek_v3: {
    perMessage: 2,
    roleTokens: false,
    perName: 0,
    perRequest: 1,
    replyPriming: 1,
    perToolCall: 10,
    perToolResult: 4,
    perToolDefinition: 12,
    toolsPreamble: 20,
    perReasoning: 2,
    images: { kind: 'openai' },
    source:
      'DeepSeek-V3 template: `<｜User｜>`/`<｜Assistant｜>` and `<｜end▁of▁sentence｜>` are single tokens (≈2 per message), ' +
      'BOS once; tool calls `<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>NAME\\n```json…```<｜tool▁call▁end｜><｜tool▁calls▁end｜>` (~10); ' +
      'results wrapped in 4 control tokens. DeepSeek chat takes no images; priced like OpenAI if sent.',
  },
  claude: {
    perMessage: CLAUDE_FRAMING.perMessage,
    roleTokens: false,
    perName: 0,
    perRequest: 0,
    replyPriming: 0,
    perToolCall: CLAUDE_FRAMING.perToolCall,
    perToolResult: CLAUDE_FRAMING.perToolResult,
    perToolDefinition: CLAUDE_FRAMING.perToolDefinition,
    toolsPreamble: CLAUDE_FRAMING.perRequest,
    perReasoning: CLAUDE_FRAMING.perMessage,
    images: { kind: 'anthropic' },
    source:
      'CLAUDE_FRAMING (src/estimate/claude.ts): per-message, per-tool_use and per-tool_result overheads fitted on ' +
      'prompt_tokens growth in real sessions (*.usage.jsonl); the 346-token tool-use system prompt Anthropic documents, ' +
      'once when tools are sent; thinking blocks framed like a content block (our choice). Images: width×height/750.',
  },
  fallback: {
    ...OPENAI,
    perMessage: 4,
    roleTokens: false,
    perToolCall: 8,
    perToolDefinition: 12,
    toolsPreamble: 20,
    perReasoning: 2,
    source: 'Generic chat framing for unknown models: OpenAI-like constants, slightly rounded up.',
  },
};
