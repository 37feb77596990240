import { type Message, messageText } from '@ctxkit/core';
import { compactionTag } from './summary-message.js';
import {
  type CallInfo,
  callCommand,
  callInfo,
  callPath,
  clip,
  exitStatus,
  type FileOp,
  fileOp,
  looksLikeError,
} from './tool-info.js';

/** A file the compacted history touched, with what was done to it. */
export interface LedgerFile {
  path: string;
  ops: FileOp[];
}

/** A shell command the compacted history ran. `command` is its first line, cut at 120 characters (a substring of the original). */
export interface LedgerCommand {
  command: string;
  /** Exit status when the output reported one. */
  exitCode?: number;
}

/**
 * Facts extracted from compacted history without any LLM. Every item is kept
 * verbatim in the final summary (checked by string match, see {@link ledgerItems}).
 */
export interface Ledger {
  files: LedgerFile[];
  commands: LedgerCommand[];
  /** Exact error lines from tool outputs (trimmed, at most 200 characters each). */
  errors: string[];
  /** The user's sentences that constrain the work ("never", "must", "don't", "always", …). */
  constraints: string[];
  /** Open items of the latest todo list the agent kept. */
  todos: string[];
  /** Items left out because a cap was reached (oldest successful commands first). */
  omitted: number;
}

/** Caps on ledger sizes, so the facts never crowd out the conversation. */
export interface LedgerLimits {
  commands: number;
  errors: number;
  constraints: number;
  todos: number;
}

const DEFAULT_LIMITS: LedgerLimits = { commands: 60, errors: 30, constraints: 30, todos: 30 };

/** An empty ledger. */
export function emptyLedger(): Ledger {
  return { files: [], commands: [], errors: [], constraints: [], todos: [], omitted: 0 };
}

const CONSTRAINT =
  /\b(must|never|don't|dont|do not|always|should not|shouldn't|make sure|avoid|only use|no need to|cannot|can't|required to|have to|need to)\b/i;
const ERROR_LINE =
  /^\s*(?:[\w.]*(?:Error|Exception)\b[:\s]|error(?:\[\w+\])?:|fatal:|npm ERR!|FAIL\b|panic:|Traceback \(most recent|.*\berror TS\d+:|E\s{2,}\w+Error)/;
const EXIT_LINE = /^\s*(Error: )?Exit code:? \d+\s*$/i;
const TODO_DONE = /^(completed|done|cancelled|canceled)$/i;

/** Whether a message is a summary made by this package (its text is data we already hold). */
export function isSummaryMessage(message: Message): boolean {
  return compactionTag(message)?.kind === 'summary';
}

/** The ledger a summary message carries from an earlier compaction, when it has one. */
export function summaryLedger(message: Message): Ledger | undefined {
  const tag = compactionTag(message);
  return tag?.kind === 'summary' ? { ...emptyLedger(), ...tag.ledger } : undefined;
}

/** The error lines the ledger records of an output (at most 3; the first line of a failed one without any). @internal */
export function errorLines(output: string, isError: boolean): string[] {
  const out: string[] = [];
  const lines = output.split('\n');
  for (const line of lines) {
    if (out.length >= 3) break;
    if (line.length > 2000) continue;
    // The exit status line is already recorded with its command.
    if (ERROR_LINE.test(line) && !EXIT_LINE.test(line)) out.push(line.trim().slice(0, 200));
  }
  if (out.length === 0 && isError) {
    const first = lines.find(
      (l) => l.trim().length > 0 && !/^(Chunk ID|Wall time|Process exited|Original token)/.test(l),
    );
    if (first) out.push(first.trim().slice(0, 200));
  }
  return out;
}

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function todoText(item: unknown): { text: string; open: boolean } | undefined {
  if (typeof item === 'string') return { text: item, open: true };
  if (item === null || typeof item !== 'object') return undefined;
  const o = item as Record<string, unknown>;
  const text = [o.content, o.description, o.title, o.task].find((v) => typeof v === 'string') as
    | string
    | undefined;
  if (!text) return undefined;
  const status = typeof o.status === 'string' ? o.status : '';
  return { text: clip(text, 200), open: !TODO_DONE.test(status) };
}

/**
 * Extracts the fact ledger from messages: files read/written/edited, commands with
 * exit codes, exact error lines, the user's constraints and the open todos.
 * Summary messages contribute the ledger they carry. Deterministic; never throws.
 * @param messages - the conversation (or region) to read facts from.
 * @param limits - caps on each list of facts (defaults: 60 commands, 30 errors, 30 constraints, 30 todos).
 */
export function extractLedger(messages: readonly Message[], limits: Partial<LedgerLimits> = {}): Ledger {
  const caps = { ...DEFAULT_LIMITS, ...limits };
  let ledger = emptyLedger();
  const calls = new Map<string, CallInfo>();
  const files = new Map<string, Set<FileOp>>();
  const commands: LedgerCommand[] = [];
  const commandAt = new Map<string, number>(); // call id -> index in commands
  const errors = new Set<string>();
  const constraints = new Set<string>();
  let todos: string[] | undefined;
  for (const m of messages) {
    if (!m || typeof m !== 'object') continue;
    if (isSummaryMessage(m)) {
      const prev = summaryLedger(m);
      if (prev) ledger = mergeLedgers(ledger, prev, caps);
      continue;
    }
    if (m.role === 'user') {
      for (const s of sentences(messageText(m))) {
        if (s.length <= 300 && CONSTRAINT.test(s)) constraints.add(s);
      }
    }
    for (const raw of m.tool_calls ?? []) {
      const call = callInfo(raw);
      calls.set(call.id, call);
      const op = fileOp(call);
      if (op) {
        const key = callPath(call) as string;
        const set = files.get(key) ?? new Set<FileOp>();
        set.add(op);
        files.set(key, set);
      }
      const cmd = callCommand(call);
      if (cmd) {
        commandAt.set(call.id, commands.length);
        commands.push({ command: (cmd.trim().split('\n')[0] ?? '').trim().slice(0, 120) });
      }
      if (/todo/i.test(call.name) && Array.isArray(call.args.todos)) {
        todos = (call.args.todos as unknown[])
          .map(todoText)
          .filter((t): t is { text: string; open: boolean } => t?.open === true)
          .map((t) => t.text);
      }
    }
    if (m.role === 'tool') {
      const text = messageText(m);
      const call = calls.get(m.tool_call_id ?? '');
      const at = commandAt.get(m.tool_call_id ?? '');
      const status = exitStatus(text);
      if (at !== undefined && status !== undefined) commands[at]!.exitCode = status;
      // A file's content is not an error report, unless the read itself failed.
      const isRead = call ? fileOp(call) === 'read' : false;
      const failed = looksLikeError(text);
      if ((!isRead || failed) && !/todo/i.test(call?.name ?? '')) {
        for (const line of isRead ? errorLines(text.split('\n')[0] ?? '', true) : errorLines(text, failed))
          errors.add(line);
      }
    }
  }
  const fresh: Ledger = {
    files: [...files].map(([path, ops]) => ({ path, ops: [...ops].sort() })),
    commands: dedupeCommands(commands),
    errors: [...errors],
    constraints: [...constraints],
    todos: todos ?? [],
    omitted: 0,
  };
  return mergeLedgers(ledger, fresh, caps, todos !== undefined);
}

function dedupeCommands(commands: LedgerCommand[]): LedgerCommand[] {
  const seen = new Map<string, LedgerCommand>();
  for (const c of commands) {
    const key = `${c.command}\u0000${c.exitCode ?? ''}`;
    seen.delete(key); // keep the newest position
    seen.set(key, c);
  }
  return [...seen.values()];
}

/**
 * Merges an older ledger with a newer one: files and facts are united, the newer
 * todo list replaces the older one when `newerHasTodos`, caps drop the oldest
 * successful commands first, then the oldest errors and constraints.
 * @param older - the ledger of the earlier summary.
 * @param newer - the ledger of the messages since.
 * @param limits - caps on each list; unset caps keep their defaults.
 * @param newerHasTodos - whether `newer`'s todo list replaces `older`'s.
 */
export function mergeLedgers(
  older: Ledger,
  newer: Ledger,
  limits: Partial<LedgerLimits> = {},
  newerHasTodos = newer.todos.length > 0,
): Ledger {
  const caps = { ...DEFAULT_LIMITS, ...limits };
  const files = new Map<string, Set<FileOp>>();
  for (const f of [...older.files, ...newer.files]) {
    const set = files.get(f.path) ?? new Set<FileOp>();
    for (const op of f.ops) set.add(op);
    files.set(f.path, set);
  }
  let omitted = older.omitted + newer.omitted;
  let commands = dedupeCommands([...older.commands, ...newer.commands]);
  while (commands.length > caps.commands) {
    const ok = commands.findIndex((c) => c.exitCode === undefined || c.exitCode === 0);
    commands.splice(Math.max(ok, 0), 1); // no successful command left: drop the oldest
    omitted++;
  }
  const capList = (items: string[], cap: number): string[] => {
    const unique = [...new Set(items)];
    if (unique.length <= cap) return unique;
    omitted += unique.length - cap;
    return unique.slice(unique.length - cap);
  };
  commands = [...commands];
  return {
    files: [...files].map(([path, ops]) => ({ path, ops: [...ops].sort() })),
    commands,
    errors: capList([...older.errors, ...newer.errors], caps.errors),
    constraints: capList([...older.constraints, ...newer.constraints], caps.constraints),
    todos: capList(newerHasTodos ? newer.todos : older.todos, caps.todos),
    omitted,
  };
}

/**
 * Every string a summary must contain for the ledger to count as kept.
 * @param ledger - a ledger from {@link extractLedger}.
 */
export function ledgerItems(ledger: Ledger): string[] {
  return [
    ...ledger.files.map((f) => f.path),
    ...ledger.commands.map((c) => c.command),
    ...ledger.errors,
    ...ledger.constraints,
    ...ledger.todos,
  ];
}

/**
 * The ledger items a text does not contain verbatim.
 * @param text - a summary.
 * @param ledger - the facts it must keep.
 */
export function missingLedgerItems(text: string, ledger: Ledger): string[] {
  return ledgerItems(ledger).filter((item) => !text.includes(item));
}

/**
 * Renders (part of) a ledger as a compact "Facts" section. Only items in `only` when given.
 * @param ledger - the facts to render.
 * @param only - when given, render only these items (as {@link ledgerItems} spells them).
 */
export function renderFacts(ledger: Ledger, only?: ReadonlySet<string>): string {
  const keep = (s: string) => only === undefined || only.has(s);
  const lines: string[] = [];
  for (const op of ['edit', 'write', 'read'] as const) {
    const paths = ledger.files.filter((f) => f.ops.includes(op) && keep(f.path)).map((f) => `\`${f.path}\``);
    const label = op === 'edit' ? 'Files edited' : op === 'write' ? 'Files written' : 'Files read';
    if (paths.length > 0) lines.push(`${label}: ${paths.join(', ')}`);
  }
  // A path the summary lacks whose only op was shown above is covered; paths with no op cannot occur.
  const cmds = ledger.commands
    .filter((c) => keep(c.command))
    .map((c) => `\`${c.command}\`${c.exitCode === undefined ? '' : ` (exit ${c.exitCode})`}`);
  if (cmds.length > 0) lines.push(`Commands: ${cmds.join('; ')}`);
  const list = (label: string, items: string[]) => {
    const shown = items.filter(keep);
    if (shown.length > 0) lines.push(`${label}:\n${shown.map((s) => `- ${s}`).join('\n')}`);
  };
  list('Errors', ledger.errors);
  list('User constraints', ledger.constraints);
  list('Open todos', ledger.todos);
  if (lines.length === 0) return '';
  return `## Facts\n${lines.join('\n')}`;
}

/**
 * Returns the summary with every missing ledger item appended in a compact
 * "Facts" section, so the summary contains each item verbatim.
 * @param summary - a summary, e.g. a model's reply.
 * @param ledger - the facts it must keep.
 */
export function ensureLedger(summary: string, ledger: Ledger): string {
  const missing = missingLedgerItems(summary, ledger);
  if (missing.length === 0) return summary;
  const facts = renderFacts(ledger, new Set(missing));
  return summary.trim().length === 0 ? facts : `${summary.trimEnd()}\n\n${facts}`;
}
