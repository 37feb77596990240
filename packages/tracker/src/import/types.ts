import type { UsageEvent } from '../types.js';

/** The agents whose on-disk logs the importers read. */
export type AgentLogKind = 'claude-code' | 'codex' | 'gemini-cli';

/**
 * One billed model call read from an agent log, before pricing: the fields of a {@link UsageEvent} an
 * agent log gives. `id` is the response's stable id — Claude Code `message.id:requestId`, Gemini CLI's
 * message id, Codex `<session>#<n>` (its n-th counted `token_count`) — so importing the same response
 * twice adds it once; `tools` counts calls only (result tokens are not logged: 0); `agentId` is set for a
 * subagent's calls.
 */
export type ImportedCall = Pick<
  UsageEvent,
  'id' | 'sessionId' | 'timestamp' | 'provider' | 'model' | 'usage' | 'tools' | 'agentId'
>;

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
  /** 1-based line number (Gemini CLI: 1-based message number); 0 for a call refused after reading (`reason` names it). */
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
  /**
   * Throw on the first unusable line instead of skipping it.
   * @default false
   */
  strict?: boolean;
}
