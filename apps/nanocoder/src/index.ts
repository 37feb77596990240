/**
 * `@ctxkit/nanocoder` — ctxkit inside the real Nanocoder: adapters with
 * Nanocoder's exact contracts (tokenizer, token breakdown, auto-compact,
 * message capping, model-call usage) and a Node module-loader hook
 * (`node --import @ctxkit/nanocoder/register`) or the `ctxkit-nanocoder` bin
 * that routes an installed Nanocoder through them without forking it.
 *
 * @packageDocumentation
 */

export {
  type AutoCompactDeps,
  type AutoCompactOverrides,
  createPerformAutoCompact,
  type PerformAutoCompact,
} from './auto-compact.js';
export { calculateTokenBreakdown } from './breakdown.js';
export {
  type CompactNanocoderOptions,
  compactNanocoderMessages,
  describeProducer,
  type InFlightSplit,
  type NanocoderCompaction,
  splitInFlight,
} from './compact.js';
export {
  checkNanocoder,
  NANOCODER_PACKAGE,
  type NanocoderCheck,
  type PatchedModule,
  SUPPORTED_NANOCODER_VERSIONS,
  staticExportNames,
} from './compat.js';
export { toCtxkit, toNanocoderMessage } from './convert.js';
export { Engine, type EngineOptions, type TokenizerLease } from './counting-engine.js';
export {
  ContextGuard,
  type ContextGuardOptions,
  type GuardRequest,
  type GuardResult,
} from './guard.js';
export { findNanocoderRoot, locateNanocoder } from './locate.js';
export { type ProviderCallUsage, type TappedCall, tapLanguageModel } from './model-tap.js';
export { chooseNode, NANOCODER_MIN_NODE, type NodeChoice } from './node-runtime.js';
export { overflowWindow } from './overflow.js';
export { type RegisterOptions, registerNanocoderHooks } from './register-hooks.js';
export {
  type CompactionRecord,
  CtxkitSessionState,
  ctxkitSession,
  type NoticeLevel,
  type NoticeSink,
  type Pin,
} from './session-state.js';
export {
  type CtxkitSettings,
  DEFAULT_SETTINGS,
  type LoadedSettings,
  loadSettings,
  SETTING_ENV,
  SETTING_KEYS,
  type SummarizerChoice,
} from './settings.js';
export { type ChatOnce, modelSummarizer } from './summarizer.js';
export {
  type CreateNanocoderTokenizerOptions,
  CtxkitNanocoderTokenizer,
  createTokenizer,
  defaultEngine,
} from './tokenizer.js';
export type {
  AutoCompactConfig,
  NanocoderApiUsage,
  NanocoderChatClient,
  NanocoderCompressionMode,
  NanocoderCompressionStrategy,
  NanocoderImage,
  NanocoderJsonValue,
  NanocoderMessage,
  NanocoderTokenizer,
  NanocoderToolCall,
  TokenBreakdown,
} from './types.js';
export {
  createTrackerRecorder,
  type ModelCallRecord,
  setUsageRecorder,
  type TrackerRecorderOptions,
  toAiSdkUsage,
  type UsageRecorder,
  usageRecorder,
} from './usage.js';
