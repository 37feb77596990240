/**
 * `@ctxkit/tracker` — session token-usage analytics: provider usage normalizers (no cache double
 * counting), cost from offline prices, persistent append-only JSONL history, one report schema, and
 * exporters (CSV, Markdown, OpenTelemetry, Langfuse, terminal, HTML).
 *
 * @packageDocumentation
 */

export { assignBlocks, type BlockSpan, blockStatus, DEFAULT_BLOCK_HOURS } from './blocks.js';
export { type CountText, type EstimatedBreakdown, estimateBreakdown } from './breakdown-estimate.js';
export type { RecordOptions, UsageEventInput } from './event-input.js';
export { toCsv } from './export/csv.js';
export { renderHtml } from './export/html.js';
export {
  type LangfuseUsageDetails,
  toLangfuseCostDetails,
  toLangfuseUsageDetails,
  toOpenTelemetryAttributes,
} from './export/interop.js';
export { toMarkdown } from './export/markdown.js';
export { renderTerminal, type TerminalOptions } from './export/terminal.js';
export { isClaudeCodeLine, parseClaudeCodeLog } from './import/claude-code.js';
export { isCodexLine, parseCodexRollout } from './import/codex.js';
export { parseAgentLog, readAgentLog, UNSUPPORTED_LOG } from './import/detect.js';
export { isGeminiCliSession, parseGeminiCliSession } from './import/gemini-cli.js';
export {
  type ImportAgentLogsOptions,
  type ImportAgentLogsResult,
  type ImportedLogFile,
  importAgentLogs,
} from './import/import.js';
export { type AgentLogLocation, defaultAgentLogLocations, findAgentLogs } from './import/locations.js';
export type {
  AgentLogKind,
  ImportedCall,
  ImportedSession,
  ParsedAgentLog,
  ParseLogOptions,
  SkippedLogLine,
} from './import/types.js';
export {
  type JsonLine,
  type JsonLines,
  type ReadJsonLinesOptions,
  readJsonLines,
  type SkippedLine,
} from './json-lines.js';
export type { SessionUsage } from './live-session.js';
export { isLocalModel, type RouteCandidate, routeCandidates } from './model-routes.js';
export {
  detectUsageShape,
  fromAiSdk,
  fromAiSdkUsage,
  fromAnthropic,
  fromAnthropicUsage,
  fromCodex,
  fromCodexUsage,
  fromGemini,
  fromGeminiCli,
  fromGeminiCliUsage,
  fromGeminiUsage,
  fromOllama,
  fromOllamaUsage,
  fromOpenAI,
  fromOpenAIUsage,
  mergeAnthropicStream,
  type NormalizedUsage,
  normalizeUsage,
  type UsageShape,
} from './normalize/index.js';
export {
  GENAI_PRICES_VERSION,
  LOCAL_COST_REASON,
  type PriceContext,
  type PriceOverride,
  type PriceResult,
  Pricing,
  type PricingOptions,
} from './pricing.js';
export {
  buildReport,
  NO_PROJECT,
  projectMatches,
  type ReportOptions,
  type ReportSort,
  sessionProject,
} from './report.js';
export { parseBound } from './report-dates.js';
export {
  type BlockStatus,
  blockStatusSchema,
  type GroupBy,
  groupByValues,
  type ModelBreakdown,
  type ReportGroup,
  type ReportTurn,
  type UsageReport,
  type UsageTotals,
  usageEventSchema,
  usageReportJsonSchema,
  usageReportSchema,
  validateReport,
} from './schema.js';
export type { SessionQuery, SessionSummary } from './session-summaries.js';
export { JsonlUsageStore } from './store/jsonl.js';
export { MemoryUsageStore } from './store/memory.js';
export { defaultUsageDirectory, sessionFileName } from './store/paths.js';
export type { JsonlUsageStoreOptions } from './store/store-options.js';
export type {
  CompactOptions,
  CompactResult,
  RetentionOptions,
  RetentionPolicy,
  RetentionResult,
  StoreQuery,
  StoreReadResult,
  UsageStore,
} from './store/types.js';
export { TokenUsageTracker, type TokenUsageTrackerOptions } from './tracker.js';
export type {
  CategoryBreakdown,
  Compaction,
  CostInfo,
  Latency,
  ModelInfo,
  SessionRecord,
  TokenUsage,
  ToolUsage,
  UsageEvent,
  UsageSource,
  UsageWarning,
} from './types.js';
