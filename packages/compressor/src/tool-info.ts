import { type Message, messageText, type ToolCall, toolArgumentsToObject } from '@ctxkit/core';

/** A tool call with its arguments parsed once. */
export interface CallInfo {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

/** Index of every tool call in a conversation by id (the newest call wins for reused ids). */
export function indexCalls(messages: readonly Message[]): Map<string, CallInfo> {
  const out = new Map<string, CallInfo>();
  for (const m of messages) {
    for (const call of m.tool_calls ?? []) out.set(call.id, callInfo(call));
  }
  return out;
}

// Each stage looks at every call: parse each call object's arguments once.
const parsed = new WeakMap<ToolCall, CallInfo>();

/** Parses a tool call's arguments (string or object) without throwing; memoized per call object. */
export function callInfo(call: ToolCall): CallInfo {
  const hit = parsed.get(call);
  if (hit) return hit;
  const info = parseCall(call);
  parsed.set(call, info);
  return info;
}

function parseCall(call: ToolCall): CallInfo {
  let args: Record<string, unknown>;
  try {
    args = toolArgumentsToObject(call.function.arguments);
  } catch {
    args = {};
  }
  return { id: call.id, name: call.function.name, args };
}

/** Argument names that hold the file a tool call works on, in order of preference. */
export const PATH_KEYS = [
  'file_path',
  'filePath',
  'path',
  'file',
  'filename',
  'target_file',
  'absolute_path',
  'notebook_path',
];

/** The file a tool call works on, when its arguments name one. */
export function callPath(call: CallInfo): string | undefined {
  for (const key of PATH_KEYS) {
    const v = call.args[key];
    if (typeof v === 'string' && v.length > 0 && v.length < 500 && !v.includes('\n')) return v;
  }
  return undefined;
}

/** What a tool call does to a file, judged from its name (agents name their tools differently). */
export type FileOp = 'read' | 'write' | 'edit';

/** The file operation of a call, when it is one. */
export function fileOp(call: CallInfo): FileOp | undefined {
  const name = call.name.toLowerCase();
  if (callPath(call) === undefined) return undefined;
  if (/(^|_)(write|create)|^write|create_file|save/.test(name)) return 'write';
  if (/edit|replace|patch|str_replace|multiedit|insert/.test(name)) {
    // SWE-agent's str_replace_editor carries its verb in `command`.
    const cmd = call.args.command;
    if (cmd === 'view') return 'read';
    if (cmd === 'create') return 'write';
    return 'edit';
  }
  if (/read|view|open|cat|notebook/.test(name)) return 'read';
  return undefined;
}

const COMMAND_KEYS = ['command', 'cmd', 'script', 'commandLine'];

/** The shell command a call runs, when it is a shell tool. */
export function callCommand(call: CallInfo): string | undefined {
  const name = call.name.toLowerCase();
  if (!/bash|shell|exec|run|terminal|command/.test(name)) return undefined;
  for (const key of COMMAND_KEYS) {
    const v = call.args[key];
    if (typeof v === 'string' && v.trim().length > 0) return v;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return (v as string[]).join(' ');
  }
  return undefined;
}

/** Collapses whitespace and cuts a string to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** One-line form of a call's arguments: `key: value` pairs, each value clipped. */
export function shortArgs(call: CallInfo, max = 120): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(call.args)) {
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    if (s === undefined) continue;
    parts.push(`${k}: ${clip(s, 60)}`);
  }
  return clip(parts.join(', '), max);
}

const EXIT_PATTERNS: RegExp[] = [
  /Process exited with code (\d+)/,
  /<exit_code>(\d+)<\/exit_code>/,
  /<returncode>(\d+)<\/returncode>/,
  /^(?:Error: )?Exit code:? (\d+)/m,
  /exit(?:ed with)? (?:status|code) (\d+)/i,
];

/** The exit status a tool output reports, when it reports one. */
export function exitStatus(output: string): number | undefined {
  const head = output.length > 4000 ? `${output.slice(0, 2000)}\n${output.slice(-2000)}` : output;
  for (const re of EXIT_PATTERNS) {
    const m = re.exec(head);
    if (m) return Number(m[1]);
  }
  if (/EXECUTION TIMED OUT/.test(head)) return 124;
  return undefined;
}

/** Whether a tool output is an error report by its own markers. */
export function looksLikeError(output: string): boolean {
  const s = exitStatus(output);
  if (s !== undefined) return s !== 0;
  return /^(<tool_use_error>|Error:|error:)/.test(output.trimStart());
}

/** Text of a message for summaries and ledgers: content plus tool calls in a compact form. */
export function describeMessage(message: Message, calls?: Map<string, CallInfo>): string {
  const text = messageText(message);
  if (message.role === 'tool') {
    const call = calls?.get(message.tool_call_id ?? '');
    return `[tool result${call ? ` ${call.name}` : ''}] ${text}`;
  }
  const lines = [`[${message.role}] ${text}`];
  for (const c of message.tool_calls ?? []) {
    const info = callInfo(c);
    lines.push(`[calls ${info.name}] ${shortArgs(info, 300)}`);
  }
  return lines.join('\n');
}
