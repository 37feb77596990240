import { type Message, messageText } from '@ctxkit/core';
import { errorLines } from './ledger.js';
import { compactionTag, stubMessage } from './summary-message.js';
import {
  type CallInfo,
  callCommand,
  callInfo,
  clip,
  exitStatus,
  fileOp,
  looksLikeError,
  shortArgs,
} from './tool-info.js';
import type { WorkingConversation } from './working-conversation.js';

const STRONG_ERROR =
  /^\s*(?:[\w.]*(?:Error|Exception)\b[:\s]|error(?:\[\w+\])?:|fatal:|npm ERR!|FAIL\b|panic:|Traceback \(most recent|.*\berror TS\d+:)/;

// Declarations a later step may need, by language family: exports, signatures, top-level
// constants and types (the lines aider's repo map shows, found here by their first words).
const DECLARATION = [
  // TypeScript / JavaScript
  /^(?:export\s+(?:default\s+)?)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|interface|type|enum|const|let|var|namespace)\s+[\w$]/,
  /^export\s*\{/,
  /^module\.exports\b|^exports\.\w+\s*=/,
  // Python (top level and methods)
  /^(?:\s{4})?(?:async\s+)?def\s+\w+|^class\s+\w+|^[A-Z][A-Z0-9_]*\s*(?::[^=]+)?=/,
  // Elixir (module, functions, types and specs) and Ruby
  /^\s{0,4}(?:defmodule|defprotocol|defimpl|defp?|defmacrop?|defstruct|defdelegate|defguard)\b|^\s{0,4}@(?:type|typep|spec|callback)\s/,
  /^\s{0,2}(?:class|module)\s+[A-Z]|^\s{0,4}def\s+(?:self\.)?\w/,
  // Class members in TS/JS/Java-like code: a signature line that opens a body
  /^\s{2,4}(?:(?:public|private|protected|static|async|readonly|get|set|override|abstract)\s+)*(?!(?:if|for|while|switch|catch|return|function|else|do|try)\b)[\w$]+\s*(?:<[^>]*>)?\([^;]*\)\s*(?::\s*[^=;]+)?\{\s*$/,
  // Rust
  /^(?:pub(?:\([\w:]+\))?\s+)?(?:async\s+)?(?:unsafe\s+)?(?:fn|struct|enum|trait|impl|type|const|static|mod)\b/,
  // Go
  /^func\s|^type\s+\w+|^(?:const|var)\s+\w+/,
  // Java, C#, Kotlin, C
  /^(?:public|protected|internal)\s+(?:static\s+)?(?:final\s+)?(?:abstract\s+)?[\w<>[\], ]+\s+\w+\s*[({=;]/,
  /^#define\s+\w+/,
];
const LINE_NUMBER = /^(\s*\d+)(\t|[:|→] ?)/;
const SEARCH_TOOL = /grep|search|find|glob|ripgrep|^rg$/i;
const MAX_OUTLINE_LINES = 60;
const MAX_MATCH_LINES = 20;

// Constants and types first when an outline must be cut: values are what a later step asks for.
const VALUE_DECLARATION =
  /\b(?:const|let|var|type|interface|enum|struct|static)\s+[\w$]|^[\d: ]*[A-Z][A-Z0-9_]*\s*(?::[^=]+)?=|@type/;

/**
 * The outline a stub keeps: the declarations, cut to `maxChars` (constants and types first, shown
 * in file order), with a count of what was left out.
 */
export function stubOutline(content: string, maxChars: number): string[] {
  const all = outline(content);
  let size = all.reduce((n, l) => n + l.length + 1, 0);
  if (size <= maxChars) return all;
  const order = [...all.keys()].sort(
    (a, b) => Number(!VALUE_DECLARATION.test(all[a]!)) - Number(!VALUE_DECLARATION.test(all[b]!)) || a - b,
  );
  const keep = new Set<number>();
  size = 0;
  for (const i of order) {
    if (size + all[i]!.length + 1 > maxChars) continue;
    keep.add(i);
    size += all[i]!.length + 1;
  }
  const out = all.filter((_, i) => keep.has(i));
  if (out.length < all.length) out.push(`… ${all.length - out.length} more declarations`);
  return out;
}

/** The declaration lines of a file's content, with their line numbers when the read showed them. */
export function outline(content: string): string[] {
  const out: string[] = [];
  for (const raw of content.split('\n')) {
    if (raw.length > 2000) continue;
    const numbered = LINE_NUMBER.exec(raw);
    const code = numbered ? raw.slice(numbered[0].length) : raw;
    if (!DECLARATION.some((re) => re.test(code))) continue;
    const shown = clip(code.replace(/\s*\{\s*$/, ''), 160);
    out.push(numbered ? `${numbered[1]!.trim()}: ${shown}` : shown);
    if (out.length >= MAX_OUTLINE_LINES) break;
  }
  return out;
}

/**
 * The stub that replaces a pruned tool output. Every stub names the tool, its short arguments,
 * the exit status when the output reports one, and the size; then, by kind:
 * - a file read keeps its outline (declarations: exports, signatures, top-level constants and types);
 * - a command keeps its error lines and its last line;
 * - a search keeps what it matched (its first result lines);
 * - anything else keeps its first and last line and its error lines.
 */
export function pruneStub(output: string, call: CallInfo | undefined): string {
  const lines = output.split('\n');
  const nonEmpty = lines.filter((l) => l.trim().length > 0);
  const status = exitStatus(output);
  const head = call ? `${call.name}(${shortArgs(call, 100)})` : 'tool';
  const parts = [
    `[ctxkit: output pruned] ${head}${status === undefined ? '' : ` → exit ${status}`}, ${lines.length} lines, ${output.length} chars`,
  ];
  // Error lines are ledger facts: keep them word for word.
  const errors = [
    ...new Set(
      lines.filter((l) => l.length <= 2000 && STRONG_ERROR.test(l)).map((l) => l.trim().slice(0, 200)),
    ),
  ];
  const op = call ? fileOp(call) : undefined;
  if (op === 'read' && !looksLikeError(output)) {
    // A stub must stay small: at most a fifth of the output (400 characters at least).
    const decl = stubOutline(output, Math.max(400, Math.floor(output.length / 5)));
    if (decl.length > 0) {
      parts.push('outline:', ...decl);
      return parts.join('\n');
    }
  } else if (call && callCommand(call) !== undefined) {
    // The ledger's own error lines first (the summary and the stub then agree), then the others.
    const all = [...new Set([...errorLines(output, looksLikeError(output)), ...errors])];
    for (const e of all.slice(0, 10)) parts.push(`error: ${e}`);
    if (nonEmpty.length > 0) parts.push(`last: ${clip(nonEmpty[nonEmpty.length - 1]!, 160)}`);
    return parts.join('\n');
  } else if (call && SEARCH_TOOL.test(call.name)) {
    parts.push('matched:', ...nonEmpty.slice(0, MAX_MATCH_LINES).map((l) => clip(l, 200)));
    if (nonEmpty.length > MAX_MATCH_LINES) parts.push(`… ${nonEmpty.length - MAX_MATCH_LINES} more lines`);
    return parts.join('\n');
  }
  if (nonEmpty.length > 0) parts.push(`first: ${clip(nonEmpty[0]!, 160)}`);
  if (nonEmpty.length > 1) parts.push(`last: ${clip(nonEmpty[nonEmpty.length - 1]!, 160)}`);
  for (const e of errors.slice(0, 3)) parts.push(`error: ${e}`);
  return parts.join('\n');
}

/** Options of {@link pruneToolOutputs}. */
export interface PruneOptions {
  /** Newest tool-output tokens never pruned. */
  protectTokens: number;
  /** Newest assistant turns (with their results) never pruned. */
  protectTurns: number;
}

/**
 * Stage 2: replaces old tool outputs, oldest first, by stubs until the goal is met.
 * The newest `protectTokens` of tool output and the last `protectTurns` turns stay whole.
 * @returns the number of messages stubbed.
 * @internal
 */
export function pruneToolOutputs(work: WorkingConversation, goal: number, options: PruneOptions): number {
  const msgs = work.messages;
  const protectedIdx = work.protectedSet();
  // The last N assistant turns stay whole.
  let turnsSeen = 0;
  let turnFloor = msgs.length;
  for (let i = msgs.length - 1; i >= 0 && turnsSeen < options.protectTurns; i--) {
    if (msgs[i]!.role === 'assistant') {
      turnsSeen++;
      turnFloor = i;
    }
  }
  // The newest tool-output tokens stay whole.
  let budget = options.protectTokens;
  let outputFloor = msgs.length;
  for (let i = msgs.length - 1; i >= 0; i--) {
    if (msgs[i]!.role !== 'tool') continue;
    budget -= work.count(msgs[i]!);
    if (budget < 0) break;
    outputFloor = i;
  }
  const floor = Math.min(turnFloor, outputFloor);
  const calls = new Map<string, CallInfo>();
  for (const m of msgs) for (const c of m.tool_calls ?? []) calls.set(c.id, callInfo(c));
  let total = work.total();
  let stubbed = 0;
  for (let i = 0; i < floor && total > goal; i++) {
    const m: Message = msgs[i]!;
    if (m.role !== 'tool' || protectedIdx.has(i) || compactionTag(m)) continue;
    const text = messageText(m);
    const stub = stubMessage(m, pruneStub(text, calls.get(m.tool_call_id ?? '')), 'prune');
    delete stub.images;
    const saved = work.count(m) - work.count(stub);
    if (saved <= 0) continue;
    msgs[i] = stub;
    total -= saved;
    stubbed++;
  }
  return stubbed;
}
