/**
 * `@ctxkit/core` — the types, errors, validation and wire-format converters
 * every ctxkit package shares. Zero runtime dependencies.
 *
 * @packageDocumentation
 */

export {
  isContentPart,
  messageImages,
  messageText,
  objectToToolArguments,
  RAW_ARGUMENTS_KEY,
  toolArgumentsToObject,
  toolArgumentsToString,
  visibleText,
} from './content.js';
export {
  type AnthropicBlock,
  type AnthropicConversation,
  type AnthropicMessage,
  fromAnthropic,
  toAnthropic,
} from './convert/anthropic.js';
export {
  type FromNanocoderOptions,
  fromNanocoder,
  type NanocoderImage,
  type NanocoderJsonValue,
  type NanocoderMessage,
  type NanocoderToolCall,
  toNanocoder,
} from './convert/nanocoder.js';
export {
  fromOpenAIChat,
  type OpenAIChatMessage,
  type OpenAIContentPart,
  toOpenAIChat,
} from './convert/openai.js';
export { CtxkitError, type CtxkitErrorCode, isCtxkitError } from './errors.js';
export { assertMessage } from './message-check.js';
export { checkOptionKeys, nearestName } from './option-keys.js';
export {
  type RepairChange,
  type RepairOptions,
  type RepairResult,
  repairConversation,
  SYNTHETIC_TOOL_RESULT,
  SYNTHETIC_USER_MESSAGE,
} from './repair.js';
export { type RequestTokensOptions, requestOverhead, requestTokens } from './request-tokens.js';
export {
  type MessageCategory,
  messageCategory,
  type TokenBreakdown,
  tokenBreakdown,
} from './token-breakdown.js';
export {
  type AnthropicToolDefinition,
  type AnyToolDefinition,
  normalizeToolDefinition,
  type OpenAIToolDefinition,
  toolSchemaText,
} from './tools.js';
export { groupTurns, type TurnGroup } from './turn-groups.js';
export type {
  ContentPart,
  CountMessagesOptions,
  ImagePart,
  Message,
  MessageImage,
  ModelRef,
  Role,
  TextPart,
  TokenCounter,
  Tokenizer,
  ToolCall,
  ToolDefinition,
} from './types.js';
export { ROLES } from './types.js';
export {
  type ConversationProblem,
  type ConversationProblemKind,
  isValidConversation,
  type ValidateOptions,
  validateConversation,
} from './validate.js';
