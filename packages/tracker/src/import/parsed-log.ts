import { CtxkitError } from '@ctxkit/core';
import { type JsonLines, readJsonLines } from '../json-lines.js';
import type { ToolUsage } from '../types.js';
import type {
  AgentLogKind,
  ImportedCall,
  ImportedSession,
  ParsedAgentLog,
  ParseLogOptions,
  SkippedLogLine,
} from './types.js';

/**
 * The records of a JSON Lines agent log ({@link readJsonLines}); with `strict`, the first line that
 * is not JSON is a `CtxkitError('INVALID_ARGUMENT')` naming it.
 */
export function readLogLines(text: string, options: ParseLogOptions = {}): JsonLines {
  const read = readJsonLines(text);
  const first = read.skipped[0];
  if (options.strict && first) throw lineError(options.file, first.line, first.reason);
  return read;
}

/** The typed error of a strict import for one unusable line. */
export function lineError(file: string | undefined, line: number, reason: string): CtxkitError {
  return new CtxkitError('INVALID_ARGUMENT', `${file ?? 'log'}:${line}: ${reason}`, { file, line });
}

/** Counts one call of `name` (result tokens are not in the logs: 0). */
export function countTool(tools: Record<string, ToolUsage>, name: string): void {
  const entry = tools[name] ?? { count: 0, resultTokens: 0 };
  entry.count++;
  tools[name] = entry;
}

/** What every parser returns; each session's model is its first call's when it has calls. */
export function parsedLog(
  kind: AgentLogKind,
  options: ParseLogOptions,
  sessions: ImportedSession[],
  calls: ImportedCall[],
  skipped: SkippedLogLine[],
): ParsedAgentLog {
  for (const s of sessions) s.model = calls.find((c) => c.sessionId === s.sessionId)?.model ?? s.model;
  return { kind, ...(options.file ? { file: options.file } : {}), sessions, calls, skipped };
}
