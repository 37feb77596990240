/**
 * Compile-time proof that this package's adapters fit Nanocoder 1.30.0's own
 * declarations (imported type-only from the pinned devDependency). If Nanocoder
 * changes a signature, `pnpm typecheck` fails here. Not part of the build.
 * @internal
 */

import type { createTokenizer as NcCreateTokenizer } from '@nanocollective/nanocoder/dist/tokenization/index.js';
import type {
  Message as NcMessage,
  ToolCall as NcToolCall,
} from '@nanocollective/nanocoder/dist/types/core.js';
import type { Tokenizer as NcTokenizer } from '@nanocollective/nanocoder/dist/types/tokenization.js';
import type { TokenBreakdown as NcTokenBreakdown } from '@nanocollective/nanocoder/dist/types/usage.js';
import type { calculateTokenBreakdown as NcBreakdown } from '@nanocollective/nanocoder/dist/usage/calculator.js';
import type { performAutoCompact as NcPerformAutoCompact } from '@nanocollective/nanocoder/dist/utils/auto-compact.js';
import type { capMessagesForModel as NcCap } from '@nanocollective/nanocoder/dist/utils/message-capping.js';
import type { PerformAutoCompact } from './auto-compact.js';
import type { calculateTokenBreakdown } from './breakdown.js';
import type { ContextGuard } from './guard.js';
import type { createTokenizer } from './tokenizer.js';
import type { NanocoderMessage, NanocoderTokenizer, NanocoderToolCall, TokenBreakdown } from './types.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

// The restated shapes are Nanocoder's, in both directions.
export type MessageMatches = Assert<Same<NanocoderMessage, NcMessage>>;
export type ToolCallMatches = Assert<Same<NanocoderToolCall, NcToolCall>>;
export type TokenizerMatches = Assert<Same<NanocoderTokenizer, NcTokenizer>>;
export type BreakdownMatches = Assert<Same<TokenBreakdown, NcTokenBreakdown>>;

// Each drop-in is assignable where Nanocoder's function is used.
export type CreateTokenizerFits = Assert<
  typeof createTokenizer extends (p: string, m: string) => NcTokenizer ? true : false
>;
export type CreateTokenizerTakesItsArguments = Assert<
  Parameters<typeof NcCreateTokenizer> extends Parameters<typeof createTokenizer> ? true : false
>;
export type BreakdownFits = Assert<typeof calculateTokenBreakdown extends typeof NcBreakdown ? true : false>;
export type AutoCompactFits = Assert<PerformAutoCompact extends typeof NcPerformAutoCompact ? true : false>;
export type CapFits = Assert<ContextGuard['cap'] extends typeof NcCap ? true : false>;
