import { type CountMessagesOptions, CtxkitError, type Message, type Tokenizer } from '@ctxkit/core';
import { assertText } from './assert-text.js';
import { countMessagesWith, countMessageWith } from './count.js';
import { type ExactVocabulary, loadEngine } from './engines/load-engine.js';
import type { TextEngine } from './engines/text-engine.js';
import { estimateClaudeTokens, estimateTokens } from './estimate/index.js';
import { FRAMINGS, type Framing } from './framing.js';
import { isVocabularyId, VOCABULARIES, type VocabularyId } from './vocabularies.js';

/** A ctxkit tokenizer: the core {@link Tokenizer} plus its vocabulary and declared memory cost. */
export interface VocabularyTokenizer extends Tokenizer {
  /** The vocabulary that counts. */
  readonly vocabulary: VocabularyId;
  /** Declared memory cost of the loaded vocabulary in bytes, when known. */
  readonly residentBytes?: number;
  /** Chat-template constants used by `countMessage`. */
  readonly framing: Framing;
  /** Loads the vocabulary now instead of on first use. */
  preload(): void;
  free(): void;
}

abstract class BaseTokenizer implements VocabularyTokenizer {
  readonly id: string;
  readonly family: string;
  readonly exact: boolean;
  readonly vocabulary: VocabularyId;
  readonly framing: Framing;
  protected freed = false;

  constructor(vocabulary: VocabularyId, family: string, exact: boolean, framing: Framing) {
    const info = VOCABULARIES[vocabulary];
    this.id = `${info.engine}:${vocabulary}`;
    this.vocabulary = vocabulary;
    this.family = family;
    this.exact = exact;
    this.framing = framing;
    this.countTokens = this.countTokens.bind(this);
  }

  abstract countText(text: string): number;
  abstract encode(text: string): number[];
  abstract preload(): void;
  abstract free(): void;
  abstract get residentBytes(): number | undefined;

  protected assertLive(): void {
    if (this.freed) throw new CtxkitError('DISPOSED', `Tokenizer ${this.id} was freed`);
  }

  countTokens(text: string): number {
    assertText(text, 'countTokens');
    return this.countText(text);
  }

  countMessage(message: Message): number {
    return countMessageWith(this.countTokens, this.framing, message);
  }

  countMessages(messages: readonly Message[], options?: CountMessagesOptions): number {
    return countMessagesWith(this.countTokens, this.framing, messages, options);
  }
}

/**
 * An exact vocabulary: the engine loads on first use and belongs to this tokenizer until
 * `free()`. Two tokenizers hold two copies; to share one loaded vocabulary between callers,
 * acquire handles from a `TokenizerPool` (`@ctxkit/pool`).
 */
export class ExactTokenizer extends BaseTokenizer {
  private engine: TextEngine | undefined;

  constructor(vocabulary: ExactVocabulary, family: string = VOCABULARIES[vocabulary].family, exact = true) {
    super(vocabulary, family, exact, FRAMINGS[vocabulary]);
  }

  private get loaded(): TextEngine {
    this.assertLive();
    if (!this.engine) this.engine = loadEngine(this.vocabulary as ExactVocabulary);
    return this.engine;
  }

  get residentBytes(): number | undefined {
    return this.engine?.residentBytes;
  }

  preload(): void {
    void this.loaded;
  }

  countText(text: string): number {
    return text.length === 0 ? 0 : this.loaded.count(text);
  }

  encode(text: string): number[] {
    assertText(text, 'encode');
    return text.length === 0 ? [] : this.loaded.encode(text);
  }

  free(): void {
    this.engine?.free?.();
    this.engine = undefined;
    this.freed = true;
  }
}

/**
 * The estimate for models without a public vocabulary: the character-class estimator
 * wrapped in the shared message-counting code. Exported as `EnhancedFallbackTokenizer`.
 */
export class EstimateTokenizer extends BaseTokenizer {
  private readonly estimate: (text: string) => number;

  constructor(
    vocabulary: 'claude' | 'fallback' = 'fallback',
    family: string = VOCABULARIES[vocabulary].family,
  ) {
    super(vocabulary, family, false, FRAMINGS[vocabulary]);
    this.estimate = vocabulary === 'claude' ? estimateClaudeTokens : (t) => estimateTokens(t, 'generic');
  }

  get residentBytes(): number | undefined {
    return 0;
  }

  preload(): void {}

  countText(text: string): number {
    this.assertLive();
    return this.estimate(text);
  }

  /** A synthetic id array of the estimated length (all zeros): estimates have no ids. */
  encode(text: string): number[] {
    assertText(text, 'encode');
    return new Array<number>(this.countText(text)).fill(0);
  }

  free(): void {
    this.freed = true;
  }
}

/** Builds an unloaded tokenizer for a vocabulary. */
export function tokenizerFor(
  vocabulary: VocabularyId,
  family?: string,
  exact?: boolean,
): VocabularyTokenizer {
  if (!isVocabularyId(vocabulary)) {
    throw new CtxkitError('INVALID_ARGUMENT', `Unknown vocabulary ${JSON.stringify(vocabulary)}`, {
      vocabulary,
    });
  }
  if (vocabulary === 'claude' || vocabulary === 'fallback') return new EstimateTokenizer(vocabulary, family);
  return new ExactTokenizer(vocabulary, family, exact ?? true);
}
