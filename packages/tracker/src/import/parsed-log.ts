import type { ToolUsage } from '../types.js';
import type {
  AgentLogKind,
  ImportedCall,
  ImportedSession,
  ParsedAgentLog,
  ParseLogOptions,
  SkippedLogLine,
} from './types.js';

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
