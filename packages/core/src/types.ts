import type { AnyToolDefinition } from './tools.js';
/**
 * The roles a {@link Message} can have. `tool` carries the result of a tool call.
 */
export type Role = 'system' | 'user' | 'assistant' | 'tool';

/** The list of valid roles, for runtime checks. */
export const ROLES: readonly Role[] = ['system', 'user', 'assistant', 'tool'];

/** A plain-text part of a message's content. */
export interface TextPart {
  type: 'text';
  text: string;
}

/**
 * An image part. Either `data` (base64, no `data:` prefix) or `url` is set.
 * `width`/`height` (pixels) let tokenizers apply each provider's image formula;
 * `detail` follows OpenAI's `low` / `high` / `auto`.
 */
export interface ImagePart {
  type: 'image';
  mediaType: string;
  data?: string;
  url?: string;
  width?: number;
  height?: number;
  detail?: 'low' | 'high' | 'auto';
}

/** One part of a multi-part message content. */
export type ContentPart = TextPart | ImagePart;

/**
 * A tool call made by the assistant. `arguments` may be a JSON string (OpenAI's
 * wire format) or an already-parsed object (Nanocoder's format); every ctxkit
 * package accepts both.
 */
export interface ToolCall {
  id: string;
  type: 'function';
  function: {
    name: string;
    arguments: string | Record<string, unknown>;
  };
}

/** An image attached to a message in Nanocoder's style (`images[]`). */
export interface MessageImage {
  data: string;
  mediaType: string;
  width?: number;
  height?: number;
}

/**
 * One message of a conversation, in the shape every ctxkit package speaks.
 * It is a superset of the OpenAI chat shape: converters in this package map
 * it to and from OpenAI, Anthropic and Nanocoder messages.
 */
export interface Message {
  role: Role;
  content: string | ContentPart[];
  /** Tool calls made by an assistant message. */
  tool_calls?: ToolCall[];
  /** On a `tool` message: the id of the call it answers. */
  tool_call_id?: string;
  /** Optional author or tool name. */
  name?: string;
  /** Nanocoder-style attached images. */
  images?: MessageImage[];
  /** Reasoning text that is sent back to the provider with the message. */
  reasoning?: string;
  /** A stable identity, used for pinning and de-duplication. */
  id?: string;
  /** A pinned message is never evicted or summarized away. */
  pinned?: boolean;
  /** Free-form data that ctxkit carries along but never sends. */
  metadata?: Record<string, unknown>;
}

/** A tool the model may call: its name, description and JSON-schema parameters. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

/** Identifies a model at a provider, e.g. `{ provider: 'ollama', model: 'qwen3:8b' }`. */
export interface ModelRef {
  provider: string;
  model: string;
}

/** Options for counting a whole conversation. */
export interface CountMessagesOptions {
  /**
   * Tool definitions sent with the request; they count toward the prompt. Flat
   * (`{ name, description, parameters }`), OpenAI (`{ type: 'function', function: { … } }`) or Anthropic
   * (`{ name, description, input_schema }`) shapes: one tool counts the same in each.
   * @default undefined (no tools)
   */
  tools?: readonly AnyToolDefinition[];
}

/**
 * The tokenizer interface every ctxkit package codes against.
 */
export interface Tokenizer {
  /** Vocabulary identity, e.g. `tiktoken:o200k_base`. Two tokenizers with the same id give the same counts. */
  readonly id: string;
  /** Model family the tokenizer serves, e.g. `openai`, `llama3`, `claude`. */
  readonly family: string;
  /** `true` when counts are exact for the vocabulary; `false` for estimates. */
  readonly exact: boolean;
  /**
   * Token ids for a text. Estimators return a synthetic id array of the estimated length.
   * @param text - the text to encode, as is (no chat framing).
   */
  encode(text: string): number[];
  /**
   * Token count for a text, without allocating an id array where the engine allows.
   * @param text - the text to count, as is (no chat framing).
   */
  countTokens(text: string): number;
  /**
   * Tokens one message costs in a request, including role framing, tool calls and images.
   * @param message - the message to count.
   */
  countMessage(message: Message): number;
  /**
   * Tokens a whole request costs: every message, tool definitions and reply priming.
   * @param messages - the request's messages, in order.
   * @param options - the tool definitions sent with the request.
   */
  countMessages(messages: readonly Message[], options?: CountMessagesOptions): number;
  /** Releases engine resources (WASM memory); the tokenizer must not be used afterwards. */
  free?(): void;
}

/** A plain counting function for callers that only need counts. */
export type TokenCounter = (message: Message) => number;
