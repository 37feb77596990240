import { basename } from 'node:path';
import type { JsonLine } from '../json-lines.js';
import { fromAnthropicUsage } from '../normalize/anthropic.js';
import { isRecord } from '../normalize/read.js';
import { countTool, lineError, parsedLog, readLogLines } from './parsed-log.js';
import type {
  ImportedCall,
  ImportedSession,
  ParsedAgentLog,
  ParseLogOptions,
  SkippedLogLine,
} from './types.js';

/** Model name Claude Code gives the messages it writes itself (errors, interruptions): never billed. */
const SYNTHETIC_MODEL = '<synthetic>';

/** Line types Claude Code writes into a session log (`~/.claude/projects/<project>/<session>.jsonl`). */
const CLAUDE_CODE_LINE_TYPES = new Set([
  'user',
  'assistant',
  'summary',
  'system',
  'progress',
  'file-history-snapshot',
  'queue-operation',
]);

/**
 * Whether a parsed JSON line looks like a Claude Code session line.
 *
 * @param value - one parsed line; it matches when its `type` is one Claude Code writes, and a `user` or
 *   `assistant` line also needs a `message` object
 */
export function isClaudeCodeLine(value: unknown): boolean {
  if (!isRecord(value) || typeof value.type !== 'string' || !CLAUDE_CODE_LINE_TYPES.has(value.type))
    return false;
  if (value.type === 'user' || value.type === 'assistant') return isRecord(value.message);
  return true;
}

interface Pending {
  call: ImportedCall;
  toolIds: Set<string>;
}

/**
 * Reads the billed calls of a Claude Code session log — a main session file or a subagent's
 * `<session>/subagents/agent-<id>.jsonl` (which carries its parent's `sessionId`, so its calls roll up
 * into the parent session with `agentId` set).
 *
 * One API response is logged as several lines (one per content block) sharing `message.id` and
 * `requestId`, not always consecutive; they become one call, keyed `message.id:requestId`, whose usage
 * is the response's LAST line (output only grows across the lines; input and cache fields never change).
 * Usage is read apart from the content, so a response logged only as `thinking` counts.
 * `cache_creation.ephemeral_1h_input_tokens` becomes `cacheWrite1hTokens`; tool names come from the
 * `tool_use` blocks of every line of the response. Claude Code's own `<synthetic>` messages are not calls.
 * A subagent's responses that the parent log embeds in `agent_progress` lines count too, once: they carry
 * the same ids as the subagent's own log.
 *
 * @param text - the whole file
 * @param options - `file` (used for messages and the subagent id), `strict`
 * @example
 * ```ts
 * const log = parseClaudeCodeLog(readFileSync(file, 'utf8'), { file });
 * console.log(log.calls.length, log.sessions[0]?.sessionId);
 * ```
 */
export function parseClaudeCodeLog(text: string, options: ParseLogOptions = {}): ParsedAgentLog {
  const { lines, skipped } = readLogLines(text, options);
  return claudeCodeFromLines(lines, skipped, options);
}

/** {@link parseClaudeCodeLog} on lines already split (the detector reads them once). */
export function claudeCodeFromLines(
  lines: readonly JsonLine[],
  skipped: SkippedLogLine[],
  options: ParseLogOptions = {},
): ParsedAgentLog {
  const fileAgent = options.file ? /^agent-(.+)\.jsonl$/.exec(basename(options.file))?.[1] : undefined;
  const fallbackSession = options.file ? basename(options.file).replace(/\.jsonl$/, '') : 'claude-code';
  const byId = new Map<string, Pending>();
  const sessions = new Map<string, ImportedSession>();
  for (const { line, value: raw } of lines) {
    const value = subagentProgress(raw) ?? raw;
    if (!isRecord(value)) continue;
    const sessionId = typeof value.sessionId === 'string' && value.sessionId ? value.sessionId : undefined;
    const timestamp = validTime(value.timestamp);
    if (sessionId) noteSession(sessions, sessionId, timestamp, value.cwd);
    const message = value.message;
    if (value.type !== 'assistant' || !isRecord(message) || !isRecord(message.usage)) continue;
    if (message.model === SYNTHETIC_MODEL) continue;
    let normalized: ReturnType<typeof fromAnthropicUsage>;
    try {
      normalized = fromAnthropicUsage(message);
    } catch (error) {
      const reason = `unusable usage: ${(error as Error).message}`;
      if (options.strict) throw lineError(options.file, line, reason);
      skipped.push({ line, reason });
      continue;
    }
    const session = sessionId ?? fallbackSession;
    if (!sessionId) noteSession(sessions, session, timestamp, value.cwd);
    const requestId = typeof value.requestId === 'string' && value.requestId ? value.requestId : undefined;
    const messageId = normalized.responseId;
    const id = messageId
      ? requestId
        ? `${messageId}:${requestId}`
        : messageId
      : typeof value.uuid === 'string' && value.uuid
        ? value.uuid
        : `${session}:${line}`;
    const agentId = typeof value.agentId === 'string' && value.agentId ? value.agentId : fileAgent;
    let pending = byId.get(id);
    if (!pending) {
      pending = {
        call: {
          id,
          sessionId: session,
          timestamp: timestamp ?? sessions.get(session)?.startedAt ?? new Date(0).toISOString(),
          provider: 'anthropic',
          model: normalized.model ?? 'unknown',
          usage: normalized.usage,
          ...(agentId ? { agentId } : {}),
        },
        toolIds: new Set(),
      };
      byId.set(id, pending);
    } else if (normalized.usage.outputTokens >= pending.call.usage.outputTokens) {
      // The last line of a response carries its final usage (output only grows; a progress snapshot
      // of a subagent's response can come after it).
      pending.call.usage = normalized.usage;
      if (normalized.model) pending.call.model = normalized.model;
    }
    addTools(pending, message.content);
  }
  const calls = [...byId.values()].map((p) => p.call);
  return parsedLog('claude-code', options, [...sessions.values()], calls, skipped);
}

/**
 * Claude Code 2.1 writes a subagent's responses into the parent log too, as `progress` lines of type
 * `agent_progress` that embed the subagent's assistant line; when the subagent's own log is gone they are
 * the only record of those calls. Returns that line with the parent's session and the subagent's id.
 */
function subagentProgress(value: unknown): Record<string, unknown> | undefined {
  if (!isRecord(value) || value.type !== 'progress' || !isRecord(value.data)) return undefined;
  const data = value.data;
  if (data.type !== 'agent_progress' || !isRecord(data.message) || data.message.type !== 'assistant')
    return undefined;
  return {
    ...data.message,
    sessionId: value.sessionId,
    cwd: value.cwd,
    ...(typeof data.agentId === 'string' ? { agentId: data.agentId } : {}),
  };
}

function noteSession(
  sessions: Map<string, ImportedSession>,
  sessionId: string,
  timestamp: string | undefined,
  cwd: unknown,
): void {
  let s = sessions.get(sessionId);
  if (!s) {
    s = { sessionId, startedAt: timestamp, model: undefined, provider: 'anthropic' };
    sessions.set(sessionId, s);
  }
  if (timestamp && (!s.startedAt || timestamp < s.startedAt)) s.startedAt = timestamp;
  if (!s.cwd && typeof cwd === 'string' && cwd) s.cwd = cwd;
}

function addTools(pending: Pending, content: unknown): void {
  if (!Array.isArray(content)) return;
  for (const block of content) {
    if (!isRecord(block) || block.type !== 'tool_use' || typeof block.name !== 'string') continue;
    // A block repeated on a later line of the same response is one call, not two.
    const key = typeof block.id === 'string' ? block.id : `${block.name}#${pending.toolIds.size}`;
    if (pending.toolIds.has(key)) continue;
    pending.toolIds.add(key);
    pending.call.tools ??= {};
    countTool(pending.call.tools, block.name);
  }
}

/** A timestamp Date can read, normalized to ISO-8601; anything else is undefined. */
export function validTime(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}
