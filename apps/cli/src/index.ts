/**
 * `ctxkit` — the command line of the ctxkit packages, and the pieces it is
 * built from: conversation readers with format detection and the replay engine.
 *
 * @packageDocumentation
 */

export { CommandFailure, EXIT, type ExitCode, exitCodeFor } from './errors.js';
export {
  type ClaudeCodeSession,
  type ClaudeCodeUsage,
  fromClaudeCodeSession,
  isClaudeCodeRecord,
} from './io/claude-code.js';
export {
  type ConversationFormat,
  type ParsedConversation,
  type ParseOptions,
  parseConversation,
} from './io/conversation.js';
export { type JsonlRecord, parseJsonl, type SkippedLine } from './io/jsonl.js';
export { type InputText, readInputText } from './io/read-input.js';
export { type CliIO, runCli } from './program.js';
export { VERSION } from './version.js';
