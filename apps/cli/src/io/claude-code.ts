import { type AnthropicBlock, type AnthropicMessage, fromAnthropic, type Message } from '@ctxkit/core';
import type { JsonLine, SkippedLine } from '@ctxkit/tracker';

/** Token usage Claude Code recorded for one assistant message (Anthropic's fields). */
export interface ClaudeCodeUsage {
  /** Index of the assistant message (in the converted conversation) this call produced. */
  messageIndex: number;
  model: string | undefined;
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  /** When Claude Code logged the response (ISO-8601), when it did. */
  timestamp: string | undefined;
}

/** What a Claude Code session file holds, converted to ctxkit messages. */
export interface ClaudeCodeSession {
  messages: Message[];
  /** The first real model the session used (`<synthetic>` placeholders ignored). */
  model: string | undefined;
  sessionId: string | undefined;
  usage: ClaudeCodeUsage[];
  skipped: SkippedLine[];
}

interface Line {
  type?: unknown;
  isSidechain?: unknown;
  sessionId?: unknown;
  timestamp?: unknown;
  message?: { role?: unknown; id?: unknown; model?: unknown; content?: unknown; usage?: unknown };
}

/**
 * Whether a JSONL record is a Claude Code session line (`~/.claude/projects/*.jsonl`):
 * every line carries a `type`; conversation lines wrap an Anthropic message in `message`.
 */
export function isClaudeCodeRecord(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Line;
  if (typeof v.type !== 'string') return false;
  if ((v.type === 'user' || v.type === 'assistant') && typeof v.message === 'object') return true;
  return ['summary', 'file-history-snapshot', 'queue-operation', 'progress', 'system'].includes(v.type);
}

function blocksOf(content: unknown): AnthropicBlock[] | undefined {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return undefined;
  // Thinking blocks are not sent back to the model in later turns; drop them.
  return content.filter(
    (b): b is AnthropicBlock =>
      typeof b === 'object' && b !== null && typeof b.type === 'string' && b.type !== 'thinking',
  );
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/**
 * Converts a Claude Code session log to ctxkit messages, following how Claude
 * Code rebuilds its own requests: assistant lines sharing `message.id` (one API
 * response streamed as several lines) are merged; `tool_use` → tool calls,
 * `tool_result` → tool messages; `progress`, `system`, `summary`,
 * `file-history-snapshot` and `queue-operation` lines are skipped (they are
 * never sent); sidechain (subagent) lines are skipped in a main session, kept
 * when the file is a subagent's own log; `thinking` blocks are dropped.
 */
export function fromClaudeCodeSession(records: readonly JsonLine[]): ClaudeCodeSession {
  const skipped: SkippedLine[] = [];
  const lines = records.filter((r) => {
    const v = r.value as Line;
    return (v.type === 'user' || v.type === 'assistant') && typeof v.message === 'object' && v.message;
  });
  const allSidechain = lines.length > 0 && lines.every((r) => (r.value as Line).isSidechain === true);
  const anthropic: AnthropicMessage[] = [];
  const ids: (string | undefined)[] = [];
  const rawUsage: (Record<string, unknown> | undefined)[] = [];
  const models: (string | undefined)[] = [];
  const lineNos: number[] = [];
  const times: (string | undefined)[] = [];
  let sessionId: string | undefined;
  for (const r of lines) {
    const v = r.value as Line;
    if (v.isSidechain === true && !allSidechain) continue;
    if (typeof v.sessionId === 'string') sessionId ??= v.sessionId;
    const m = v.message!;
    const role = m.role === 'assistant' ? 'assistant' : m.role === 'user' ? 'user' : undefined;
    const blocks = blocksOf(m.content);
    if (!role || !blocks) {
      skipped.push({ line: r.line, reason: 'Claude Code line without a usable message' });
      continue;
    }
    const id = typeof m.id === 'string' ? m.id : undefined;
    const last = anthropic.length - 1;
    if (role === 'assistant' && id !== undefined && last >= 0 && ids[last] === id) {
      (anthropic[last]!.content as AnthropicBlock[]).push(...blocks);
      if (typeof m.usage === 'object' && m.usage) rawUsage[last] = m.usage as Record<string, unknown>;
      continue;
    }
    if (role === 'assistant' && blocks.length === 0) continue; // a thinking-only line
    anthropic.push({ role, content: blocks });
    ids.push(role === 'assistant' ? id : undefined);
    lineNos.push(r.line);
    times.push(typeof v.timestamp === 'string' ? v.timestamp : undefined);
    rawUsage.push(typeof m.usage === 'object' && m.usage ? (m.usage as Record<string, unknown>) : undefined);
    models.push(typeof m.model === 'string' && m.model !== '<synthetic>' ? m.model : undefined);
  }
  // fromAnthropic maps one Anthropic message to one or more of ours (tool results split out);
  // convert one at a time to know which of ours each assistant message became.
  const messages: Message[] = [];
  const usage: ClaudeCodeUsage[] = [];
  anthropic.forEach((am, i) => {
    let converted: Message[];
    try {
      converted = fromAnthropic({ messages: [am] });
    } catch (error) {
      skipped.push({ line: lineNos[i]!, reason: (error as Error).message });
      return;
    }
    const u = rawUsage[i];
    if (am.role === 'assistant' && u) {
      usage.push({
        messageIndex: messages.length,
        model: models[i],
        input_tokens: num(u.input_tokens),
        output_tokens: num(u.output_tokens),
        cache_creation_input_tokens: num(u.cache_creation_input_tokens),
        cache_read_input_tokens: num(u.cache_read_input_tokens),
        timestamp: times[i],
      });
    }
    messages.push(...converted);
  });
  return { messages, model: models.find((m) => m !== undefined), sessionId, usage, skipped };
}
