import type { TokenUsage, ToolUsage } from '../types.js';

/** The agents whose on-disk logs the importers read. */
export type AgentLogKind = 'claude-code' | 'codex' | 'gemini-cli';

/** One billed model call read from an agent log, before pricing. */
export interface ImportedCall {
  /**
   * Stable id of the response: Claude Code `message.id` + `requestId`, Gemini CLI's message id, Codex
   * `<session>#<n>` (its n-th counted `token_count`). Importing the same response twice adds it once.
   */
  id: string;
  sessionId: string;
  /** When the agent logged the response (ISO-8601). */
  timestamp: string;
  provider: string;
  model: string;
  usage: TokenUsage;
  /** Tools the response called, by name (`count` calls each, result tokens unknown: 0). */
  tools?: Record<string, ToolUsage>;
  /** The subagent that made the call (Claude Code `agentId`), when it was not the main agent. */
  agentId?: string;
}

/** A session as an agent log describes it. */
export interface ImportedSession {
  sessionId: string;
  /** Earliest time logged for the session (any line, not only calls). */
  startedAt: string | undefined;
  /** Model of the session's first call. */
  model: string | undefined;
  provider: string;
  /** Working directory the agent ran in, when logged. */
  cwd?: string;
}

/** A line of an agent log that was not used, and why. */
export interface SkippedLogLine {
  /** 1-based line number (Gemini CLI: 1-based message number). */
  line: number;
  reason: string;
}

/** What one agent log file holds. */
export interface ParsedAgentLog {
  kind: AgentLogKind;
  /** Where it was read from, when known. */
  file?: string;
  sessions: ImportedSession[];
  /** One entry per response (duplicates inside the file already merged). */
  calls: ImportedCall[];
  /** Unusable lines (a line cut mid-way, invalid counts); the rest of the file is still read. */
  skipped: SkippedLogLine[];
}

/** Options shared by the log parsers. */
export interface ParseLogOptions {
  /** File name, for messages and (Claude Code) the subagent id of `agent-<id>.jsonl`. */
  file?: string;
  /** Throw on the first unusable line instead of skipping it. @default false */
  strict?: boolean;
}
