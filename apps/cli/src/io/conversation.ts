import {
  type AnthropicConversation,
  assertMessage,
  fromAnthropic,
  fromNanocoder,
  fromOpenAIChat,
  type Message,
  type NanocoderMessage,
  type OpenAIChatMessage,
} from '@ctxkit/core';
import { type JsonLine, readJsonLines, type SkippedLine } from '@ctxkit/tracker';
import { inputError } from '../errors.js';
import { type ClaudeCodeUsage, fromClaudeCodeSession, isClaudeCodeRecord } from './claude-code.js';

/** The conversation formats `ctxkit` reads, detected from the content (never from the file name). */
export type ConversationFormat =
  /** One ctxkit message (`{ role, content, tool_calls? … }`) per line. */
  | 'ctxkit-jsonl'
  /** Claude Code's session log (`~/.claude/projects/<project>/<session>.jsonl`). */
  | 'claude-code-jsonl'
  /** A JSON array of Nanocoder messages (tool-call arguments as objects). */
  | 'nanocoder-json'
  /** A JSON array of OpenAI chat messages, or a request body `{ model?, messages, tools? }`. */
  | 'openai-json'
  /** An Anthropic request body `{ system?, messages }` with content blocks. */
  | 'anthropic-json'
  /** A JSON array of ctxkit messages. */
  | 'ctxkit-json';

/** A conversation read from a file, with what had to be skipped. */
export interface ParsedConversation {
  format: ConversationFormat;
  messages: Message[];
  /** Lines (or array elements) that were malformed or not messages; empty under `strict`. */
  skipped: SkippedLine[];
  /** The model named in the input, when it names one (Claude Code logs, OpenAI request bodies). */
  model?: string;
  /** Provider-recorded usage per assistant message, when the input carries it. */
  usage?: ClaudeCodeUsage[];
  /** The agent's session id, when the input records one (Claude Code logs). */
  sessionId?: string;
}

/** Options for {@link parseConversation}. */
export interface ParseOptions {
  /**
   * Fail on the first malformed line instead of skipping and counting it.
   * @default false
   */
  strict?: boolean;
  /**
   * Name used in messages (file path or `-`; both unset and `-` read as `input`).
   * @default undefined
   */
  name?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function hasAnthropicBlocks(messages: unknown[]): boolean {
  return messages.some(
    (m) =>
      isObj(m) &&
      Array.isArray(m.content) &&
      m.content.some(
        (b) => isObj(b) && (b.type === 'tool_use' || b.type === 'tool_result' || b.type === 'thinking'),
      ),
  );
}

function isNanocoderShaped(messages: unknown[]): boolean {
  // Nanocoder carries parsed-object arguments and no `type: 'function'` on calls.
  return messages.some(
    (m) =>
      isObj(m) &&
      Array.isArray(m.tool_calls) &&
      m.tool_calls.some((c) => isObj(c) && c.type === undefined && isObj((c.function as Obj)?.arguments)),
  );
}

function isOpenAIShaped(messages: unknown[]): boolean {
  return messages.some(
    (m) =>
      isObj(m) &&
      (m.content === null ||
        m.reasoning_content !== undefined ||
        (Array.isArray(m.content) && m.content.some((p) => isObj(p) && p.type === 'image_url'))),
  );
}

/** Detects a JSON document's format from its shape. */
function detectJsonDocument(doc: unknown): ConversationFormat | undefined {
  if (Array.isArray(doc)) {
    if (hasAnthropicBlocks(doc)) return 'anthropic-json';
    if (isNanocoderShaped(doc)) return 'nanocoder-json';
    if (isOpenAIShaped(doc)) return 'openai-json';
    return 'ctxkit-json';
  }
  if (isObj(doc) && Array.isArray(doc.messages)) {
    if (doc.system !== undefined || hasAnthropicBlocks(doc.messages)) return 'anthropic-json';
    if (isNanocoderShaped(doc.messages)) return 'nanocoder-json';
    return 'openai-json';
  }
  return undefined;
}

function where(name: string | undefined): string {
  return name === undefined || name === '-' ? 'input' : name;
}

// Converts element by element so one bad element is skipped (and counted) rather than sinking the file.
function convertEach(
  items: unknown[],
  convert: (item: unknown) => Message[],
  strict: boolean,
  name: string | undefined,
  lineOf: (i: number) => number,
  unit: 'line' | 'element',
): { messages: Message[]; skipped: SkippedLine[] } {
  const messages: Message[] = [];
  const skipped: SkippedLine[] = [];
  items.forEach((item, i) => {
    try {
      messages.push(...convert(item));
    } catch (error) {
      const line = lineOf(i);
      const reason = `not a valid message: ${(error as Error).message}`;
      if (strict) throw inputError(`${where(name)}: ${unit} ${line}: ${reason}`, { line });
      skipped.push({ line, reason });
    }
  });
  return { messages, skipped };
}

const ownMessage = (item: unknown): Message[] => {
  const m = { ...(item as Message) };
  // OpenAI-style `content: null` on tool-calling assistant messages is common in JSONL dumps.
  if ((m as { content: unknown }).content === null) m.content = '';
  assertMessage(m, 0);
  return [m];
};

function fromJsonDocument(
  doc: unknown,
  format: ConversationFormat,
  options: ParseOptions,
): ParsedConversation {
  const strict = options.strict ?? false;
  const list = Array.isArray(doc) ? doc : ((doc as Obj).messages as unknown[]);
  const model = isObj(doc) && typeof doc.model === 'string' ? doc.model : undefined;
  // Each element of the document converts on its own, so one bad element is skipped (or, strict,
  // reported) without losing the rest.
  const convert: (item: unknown) => Message[] =
    format === 'anthropic-json'
      ? (m) => fromAnthropic({ messages: [m as AnthropicConversation['messages'][number]] })
      : format === 'nanocoder-json'
        ? (m) => fromNanocoder([m as NanocoderMessage])
        : format === 'openai-json'
          ? (m) => fromOpenAIChat([m as OpenAIChatMessage])
          : ownMessage;
  const system =
    format === 'anthropic-json' && isObj(doc) ? (doc.system as AnthropicConversation['system']) : undefined;
  const head = system === undefined ? [] : fromAnthropic({ system, messages: [] });
  const result = convertEach(list, convert, strict, options.name, (i) => i + 1, 'element');
  result.messages.unshift(...head);
  return { format, ...result, ...(model ? { model } : {}) };
}

function fromJsonlRecords(
  records: JsonLine[],
  skipped: SkippedLine[],
  options: ParseOptions,
): ParsedConversation {
  const strict = options.strict ?? false;
  const claudeLines = records.filter((r) => isClaudeCodeRecord(r.value)).length;
  if (claudeLines > 0 && claudeLines >= records.length / 2) {
    const session = fromClaudeCodeSession(records);
    const other = records.filter((r) => !isClaudeCodeRecord(r.value));
    const all = [
      ...skipped,
      ...session.skipped,
      ...other.map((r) => ({ line: r.line, reason: 'not a Claude Code session line' })),
    ].sort((a, b) => a.line - b.line);
    if (strict && all.length > 0) {
      const first = all[0]!;
      throw inputError(`${where(options.name)}: line ${first.line}: ${first.reason}`, { line: first.line });
    }
    return {
      format: 'claude-code-jsonl',
      messages: session.messages,
      skipped: all,
      ...(session.model ? { model: session.model } : {}),
      usage: session.usage,
      ...(session.sessionId ? { sessionId: session.sessionId } : {}),
    };
  }
  const values = records.map((r) => r.value);
  const converter = isNanocoderShaped(values)
    ? (m: unknown) => fromNanocoder([m as NanocoderMessage])
    : hasAnthropicBlocks(values)
      ? (m: unknown) => fromAnthropic({ messages: [m as AnthropicConversation['messages'][number]] })
      : ownMessage;
  const result = convertEach(values, converter, strict, options.name, (i) => records[i]!.line, 'line');
  return {
    format: 'ctxkit-jsonl',
    messages: result.messages,
    skipped: [...skipped, ...result.skipped].sort((a, b) => a.line - b.line),
  };
}

/**
 * Parses a conversation in any supported format, detected from its content:
 * a JSON document (array of messages or request body) or JSON Lines (ctxkit
 * messages or a Claude Code session log). Malformed lines are skipped and
 * counted, or fail the parse under `strict`, always with their line number.
 * @throws {CtxkitError} `INVALID_MESSAGE` when nothing usable is found, or on the first bad line under `strict`.
 */
export function parseConversation(text: string, options: ParseOptions = {}): ParsedConversation {
  const trimmed = text.trim();
  if (trimmed.length === 0) throw inputError(`${where(options.name)} is empty`);
  let parsed: ParsedConversation | undefined;
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    // One JSON document (possibly pretty-printed)? A JSONL file's whole text is not valid JSON.
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch {
      doc = undefined;
    }
    const format = doc === undefined ? undefined : detectJsonDocument(doc);
    if (format) parsed = fromJsonDocument(doc, format, options);
  }
  if (!parsed) {
    const { lines: records, skipped } = readJsonLines(text);
    if (options.strict && skipped.length > 0) {
      const first = skipped[0]!;
      throw inputError(`${where(options.name)}: line ${first.line}: ${first.reason}`, { line: first.line });
    }
    if (records.length === 0) {
      throw inputError(
        `${where(options.name)}: no JSON found (${skipped.length} malformed line${skipped.length === 1 ? '' : 's'}, first at line ${skipped[0]?.line ?? 1})`,
        { skipped: skipped.length },
      );
    }
    parsed = fromJsonlRecords(records, skipped, options);
  }
  if (parsed.messages.length === 0) {
    throw inputError(`${where(options.name)}: no messages found (${parsed.skipped.length} line(s) skipped)`, {
      skipped: parsed.skipped.length,
    });
  }
  return parsed;
}
