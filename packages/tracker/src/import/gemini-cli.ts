import { basename } from 'node:path';
import { stripBom } from '../json-lines.js';
import { fromGeminiCliUsage } from '../normalize/gemini.js';
import { isRecord, readString } from '../normalize/read.js';
import type { ToolUsage } from '../types.js';
import { validTime } from './claude-code.js';
import { countTool, lineError, parsedLog } from './parsed-log.js';
import type {
  ImportedCall,
  ImportedSession,
  ParsedAgentLog,
  ParseLogOptions,
  SkippedLogLine,
} from './types.js';

/**
 * Whether a parsed JSON document is a Gemini CLI conversation record.
 *
 * @param value - the parsed document; it matches when it has a string `sessionId` and a `messages` array
 */
export function isGeminiCliSession(value: unknown): boolean {
  return isRecord(value) && typeof value.sessionId === 'string' && Array.isArray(value.messages);
}

/**
 * Reads the billed calls of a Gemini CLI session (`~/.gemini/tmp/<project hash>/chats/session-*.json`,
 * one JSON document rewritten as the session grows). Every `gemini` message with `tokens` is one call
 * keyed by the message id: `input` includes `cached`, `thoughts` are billed as output (and kept as
 * reasoning), `tool` (tool-use prompt tokens) is input. Tools are the message's `toolCalls`.
 *
 * @param value - the parsed document (or its text)
 * @param options - `file`, `strict`
 */
export function parseGeminiCliSession(value: unknown, options: ParseLogOptions = {}): ParsedAgentLog {
  const doc = typeof value === 'string' ? JSON.parse(stripBom(value)) : value;
  const skipped: SkippedLogLine[] = [];
  const name = options.file ? basename(options.file).replace(/\.json$/, '') : 'gemini-cli';
  const sessionId = isRecord(doc) ? (readString(doc, 'sessionId') ?? name) : name;
  const session: ImportedSession = {
    sessionId,
    startedAt: isRecord(doc) ? validTime(doc.startTime) : undefined,
    model: undefined,
    provider: 'google',
  };
  const calls: ImportedCall[] = [];
  const messages = isRecord(doc) && Array.isArray(doc.messages) ? doc.messages : [];
  messages.forEach((m: unknown, index: number) => {
    if (!isRecord(m) || m.type !== 'gemini' || !isRecord(m.tokens)) return;
    let usage: ReturnType<typeof fromGeminiCliUsage>['usage'];
    try {
      usage = fromGeminiCliUsage(m.tokens).usage;
    } catch (error) {
      const reason = `unusable tokens: ${(error as Error).message}`;
      if (options.strict) throw lineError(options.file, index + 1, reason);
      skipped.push({ line: index + 1, reason });
      return;
    }
    const tools: Record<string, ToolUsage> = {};
    if (Array.isArray(m.toolCalls)) {
      for (const t of m.toolCalls) {
        const tool = isRecord(t) ? readString(t, 'name') : undefined;
        if (tool) countTool(tools, tool);
      }
    }
    calls.push({
      id: readString(m, 'id') ?? `${sessionId}#${index + 1}`,
      sessionId,
      timestamp: validTime(m.timestamp) ?? session.startedAt ?? new Date(0).toISOString(),
      provider: 'google',
      model: readString(m, 'model') ?? 'unknown',
      usage,
      ...(Object.keys(tools).length > 0 ? { tools } : {}),
    });
  });
  return parsedLog('gemini-cli', options, [session], calls, skipped);
}
