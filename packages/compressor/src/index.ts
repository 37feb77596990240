/**
 * `@ctxkit/compressor` — staged context compression for coding agents: supersede old
 * file reads, prune old tool output, summarize the oldest region (Ollama, any LLM, or a
 * deterministic extractive summary) with a fact ledger that the summary always keeps,
 * and drop the oldest turn groups as a last resort. Every result is a valid conversation
 * that fits the window.
 *
 * @packageDocumentation
 */

export { ContextCompressor, compressContext, MIN_REDUCTION } from './compressor.js';
export { ExtractiveSummarizer, type ExtractiveSummarizerOptions } from './extractive.js';
export {
  emptyLedger,
  ensureLedger,
  extractLedger,
  type Ledger,
  type LedgerCommand,
  type LedgerFile,
  type LedgerLimits,
  ledgerItems,
  mergeLedgers,
  missingLedgerItems,
  renderFacts,
} from './ledger.js';
export { OllamaSummarizer, type OllamaSummarizerOptions, type OllamaSummaryStats } from './ollama.js';
export {
  type CompactionTag,
  compactionTag,
  restoreOriginals,
  SUMMARY_CLOSE,
  SUMMARY_OPEN,
  summaryText,
} from './summary-message.js';
export {
  checkSummaryReply,
  fence,
  flattenSummary,
  type ReplyCaps,
  replyCaps,
  SUMMARY_SYSTEM_PROMPT,
  type SummaryPrompt,
  summaryPrompt,
  summaryTranscript,
} from './summary-prompt.js';
export type { FileOp } from './tool-info.js';
export type {
  CompressionResult,
  CompressionStep,
  CompressionStepKind,
  CompressOptions,
  ContextCompressorOptions,
  SummarizeFunction,
  Summarizer,
  SummaryRequest,
} from './types.js';
