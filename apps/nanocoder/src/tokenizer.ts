import type { Tokenizer } from '@ctxkit/core';
import { detectModel, type ModelDetection } from '@ctxkit/tokenizers';
import { toCtxkit } from './convert.js';
import { Engine, type TokenizerLease } from './counting-engine.js';
import type { NanocoderMessage, NanocoderTokenizer } from './types.js';

let sharedEngine: Engine | undefined;

/** The process-wide engine (pool + cache) the adapters share by default. */
export function defaultEngine(): Engine {
  sharedEngine ??= new Engine();
  return sharedEngine;
}

/** Options for {@link createTokenizer}. */
export interface CreateNanocoderTokenizerOptions {
  /**
   * Pool and cache to use.
   * @default the process-wide {@link defaultEngine}
   */
  engine?: Engine;
}

/**
 * A Nanocoder `Tokenizer` backed by ctxkit. Unlike Nanocoder's own, it picks
 * the model's real vocabulary (Qwen, Mistral, DeepSeek, Gemini, `openai/gpt-4o`
 * are mis-routed there), counts tool-call arguments, images and reasoning, and
 * borrows a pooled encoder instead of building one per call.
 */
export class CtxkitNanocoderTokenizer implements NanocoderTokenizer {
  readonly #engine: Engine;
  readonly #provider: string;
  readonly #model: string;
  #lease: TokenizerLease | undefined;
  readonly #detection: ModelDetection;

  constructor(provider: string, model: string, engine: Engine) {
    this.#engine = engine;
    this.#provider = provider;
    this.#model = model;
    // The vocabulary is borrowed on first use: Nanocoder creates tokenizers on
    // every model switch, often without counting anything with them.
    this.#detection = detectModel(provider, model);
  }

  /** The ctxkit tokenizer underneath (re-borrowed if `free()` was called). */
  get tokenizer(): Tokenizer {
    this.#lease ??= this.#engine.lease(this.#provider, this.#model);
    return this.#lease.tokenizer;
  }

  /** Why this vocabulary was chosen. */
  get detection(): ModelDetection {
    return this.#detection;
  }

  /** The engine (pool + cache) this tokenizer counts with. */
  get engine(): Engine {
    return this.#engine;
  }

  /** Token COUNT of a text (Nanocoder's `encode` contract). */
  encode(text: string): number {
    return this.tokenizer.countTokens(typeof text === 'string' ? text : String(text ?? ''));
  }

  /** Tokens a message costs in a request: content, role framing, tool calls, images, reasoning. */
  countTokens(message: NanocoderMessage): number {
    return this.#engine.count(toCtxkit(message), this.tokenizer);
  }

  /** `ctxkit-<engine>:<vocabulary>`, e.g. `ctxkit-hf:qwen2`. */
  getName(): string {
    return `ctxkit-${this.tokenizer.id}`;
  }

  /** Returns the encoder to the pool; the tokenizer stays usable (it borrows again). */
  free(): void {
    this.#lease?.release();
    this.#lease = undefined;
  }
}

/**
 * Drop-in for Nanocoder's `createTokenizer(providerName, modelId)`. Like
 * Nanocoder it strips an Ollama `:cloud` / `-cloud` suffix; it never throws.
 * @param providerName - Nanocoder's provider name, e.g. `ollama` or `openrouter`.
 * @param modelId - the model id as Nanocoder has it, e.g. `qwen3:8b` or `gpt-oss:120b-cloud`.
 * @param options - the engine (pool and cache) to borrow encoders from.
 */
export function createTokenizer(
  providerName: string,
  modelId: string,
  options: CreateNanocoderTokenizerOptions = {},
): CtxkitNanocoderTokenizer {
  const model = modelId.endsWith(':cloud') || modelId.endsWith('-cloud') ? modelId.slice(0, -6) : modelId;
  return new CtxkitNanocoderTokenizer(providerName ?? '', model ?? '', options.engine ?? defaultEngine());
}
