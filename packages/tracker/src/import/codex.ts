import { basename } from 'node:path';
import type { JsonLine } from '../json-lines.js';
import { fromCodexUsage } from '../normalize/openai.js';
import { child, isRecord, readString } from '../normalize/read.js';
import type { ToolUsage } from '../types.js';
import { validTime } from './claude-code.js';
import { countTool, lineError, parsedLog, readLogLines } from './parsed-log.js';
import type {
  ImportedCall,
  ImportedSession,
  ParsedAgentLog,
  ParseLogOptions,
  SkippedLogLine,
} from './types.js';

/**
 * Whether a parsed JSON line is a Codex CLI rollout record (`{ timestamp, type, payload }`).
 *
 * @param value - one parsed line; it matches when its `payload` is an object and its `type` is
 *   `session_meta`, `turn_context`, `event_msg` or `response_item`
 */
export function isCodexLine(value: unknown): boolean {
  return (
    isRecord(value) &&
    isRecord(value.payload) &&
    (value.type === 'session_meta' ||
      value.type === 'turn_context' ||
      value.type === 'event_msg' ||
      value.type === 'response_item')
  );
}

/**
 * Reads the billed calls of a Codex CLI rollout (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`).
 * Each `event_msg` of type `token_count` with `info` is one model call; its usage is the event's own
 * `last_token_usage` (`total_token_usage` is cumulative and only serves to skip the repeated event Codex
 * writes when nothing new was billed). `input_tokens` already holds `cached_input_tokens`, so the
 * uncached input is their difference. The model is the latest `turn_context`'s; the tools are the
 * `function_call` / `custom_tool_call` items since the previous call. A call's id is `<session>#<n>`,
 * its rank among the session's calls, which stays the same as the rollout grows.
 *
 * @param text - the whole rollout file
 * @param options - `file` (the session id falls back to its name), `strict`
 */
export function parseCodexRollout(text: string, options: ParseLogOptions = {}): ParsedAgentLog {
  const { lines, skipped } = readLogLines(text, options);
  return codexFromLines(lines, skipped, options);
}

/** {@link parseCodexRollout} on lines already split. */
export function codexFromLines(
  lines: readonly JsonLine[],
  skipped: SkippedLogLine[],
  options: ParseLogOptions = {},
): ParsedAgentLog {
  const name = options.file ? basename(options.file).replace(/\.jsonl$/, '') : 'codex';
  // rollout-<date>T<time>-<uuid>: the uuid is the session id Codex itself uses.
  const fromName = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(name)?.[1];
  const session: ImportedSession = {
    sessionId: fromName ?? name,
    startedAt: undefined,
    model: undefined,
    provider: 'openai',
  };
  const calls: ImportedCall[] = [];
  let model: string | undefined;
  let tools: Record<string, ToolUsage> = {};
  let lastTotal: string | undefined;
  for (const { line, value } of lines) {
    if (!isRecord(value) || !isRecord(value.payload)) continue;
    const payload = value.payload;
    const timestamp = validTime(value.timestamp);
    if (timestamp && (!session.startedAt || timestamp < session.startedAt)) session.startedAt = timestamp;
    if (value.type === 'session_meta') {
      const id = readString(payload, 'id');
      if (id && calls.length === 0) session.sessionId = id;
      const cwd = readString(payload, 'cwd');
      if (cwd) session.cwd ??= cwd;
      model ??= readString(payload, 'model');
      continue;
    }
    if (value.type === 'turn_context') {
      model = readString(payload, 'model') ?? model;
      continue;
    }
    if (value.type === 'response_item') {
      if (payload.type === 'function_call' || payload.type === 'custom_tool_call') {
        const tool = readString(payload, 'name');
        if (tool) countTool(tools, tool);
      }
      continue;
    }
    if (value.type !== 'event_msg' || payload.type !== 'token_count') continue;
    const info = child(payload, 'info');
    const last = child(info, 'last_token_usage');
    if (!last) continue;
    const total = child(info, 'total_token_usage');
    const totalKey = total ? JSON.stringify(total) : undefined;
    if (totalKey !== undefined && totalKey === lastTotal) continue;
    let usage: ReturnType<typeof fromCodexUsage>['usage'];
    try {
      usage = fromCodexUsage(last).usage;
    } catch (error) {
      const reason = `unusable token_count: ${(error as Error).message}`;
      if (options.strict) throw lineError(options.file, line, reason);
      skipped.push({ line, reason });
      continue;
    }
    lastTotal = totalKey;
    calls.push({
      id: `${session.sessionId}#${calls.length + 1}`,
      sessionId: session.sessionId,
      timestamp: timestamp ?? session.startedAt ?? new Date(0).toISOString(),
      provider: 'openai',
      model: model ?? 'unknown',
      usage,
      ...(Object.keys(tools).length > 0 ? { tools } : {}),
    });
    tools = {};
  }
  session.model = model;
  return parsedLog('codex', options, [session], calls, skipped);
}
