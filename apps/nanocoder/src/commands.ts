/**
 * ctxkit's slash commands inside Nanocoder's TUI: `/compact` (and
 * `--preview`) through ctxkit, `/pin` / `/unpin`, and `/ctxkit`. They run in
 * Nanocoder's `handleCompactCommand` slot, which Nanocoder calls for every
 * slash command before its own registry; what ctxkit does not handle goes on
 * to Nanocoder untouched.
 * @internal
 */
import { requestOverhead, type ToolDefinition } from '@ctxkit/core';
import { compactNanocoderMessages } from './compact.js';
import { toCtxkit } from './convert.js';
import type { Engine } from './counting-engine.js';
import type { CtxkitSessionState } from './session-state.js';
import { type CtxkitSettings, replyReserve } from './settings.js';
import { modelSummarizer } from './summarizer.js';
import { createTokenizer } from './tokenizer.js';
import type { NanocoderChatClient, NanocoderMessage } from './types.js';

/** The slice of Nanocoder's command options ctxkit uses (1.30.0 `handleCompactCommand`). */
export interface CommandOptions {
  onAddToChatQueue(element: unknown): void;
  onCommandComplete?(): void;
  messages: NanocoderMessage[];
  setMessages(messages: NanocoderMessage[]): void;
  provider: string;
  model: string;
  client?: NanocoderChatClient | null;
  setIsToolExecuting?(busy: boolean): void;
}

/** One line or a panel for the chat, made with Nanocoder's own components. */
export interface CommandUi {
  info(text: string): unknown;
  success(text: string): unknown;
  error(text: string): unknown;
  /** A titled panel of `label: value` rows (Nanocoder's TitledBox, Ink Text). */
  panel(title: string, sections: PanelSection[]): unknown;
}

/** One section of a panel. */
export interface PanelSection {
  heading: string;
  rows: Array<[label: string, value: string]>;
}

/** What the commands read from the running Nanocoder and ctxkit. */
export interface CommandDeps {
  ui(): Promise<CommandUi>;
  session: CtxkitSessionState;
  engine: Engine;
  settings(): Promise<CtxkitSettings>;
  /** The system prompt Nanocoder sends (its last built prompt). */
  systemPrompt(): Promise<string>;
  /** The tool definitions of the last request (what is really sent). */
  tools(): readonly ToolDefinition[];
  /** The window ctxkit uses for this model (learned, override, configured). */
  contextLimit(provider: string, model: string, client: unknown): Promise<number | null | undefined>;
  storeBackup(messages: NanocoderMessage[]): Promise<void>;
  /** This session's usage: tokens, cost (null when unpriced), whether the model is local. */
  usage(): Promise<{ tokens: number; calls: number; cost: number | null; local: boolean } | undefined>;
  /** The last sessions from the store, newest first, as one-line descriptions. */
  lastSessions(limit: number): Promise<string[]>;
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

/** Handles `/compact`, `/pin`, `/unpin`, `/ctxkit`; `false` hands the command on to Nanocoder. */
export async function handleCtxkitCommand(
  parts: readonly string[],
  options: CommandOptions,
  deps: CommandDeps,
): Promise<boolean> {
  const [name, ...args] = parts;
  if (name === 'compact') {
    // Session switches stay Nanocoder's own (ctxkit reads them on every request).
    if (args.some((a) => NANOCODER_COMPACT_FLAGS.has(a))) return false;
    await compactCommand(args, options, deps);
    return true;
  }
  if (name === 'pin' || name === 'unpin') {
    const ui = await deps.ui();
    options.onAddToChatQueue(
      name === 'pin' ? pinCommand(args, options, deps, ui) : unpinCommand(args, options, deps, ui),
    );
    options.onCommandComplete?.();
    return true;
  }
  if (name === 'ctxkit') {
    const ui = await deps.ui();
    options.onAddToChatQueue(await ctxkitPanel(options, deps, ui));
    options.onCommandComplete?.();
    return true;
  }
  return false;
}

/** `/compact` flags that are Nanocoder's session switches, not a compaction. */
const NANOCODER_COMPACT_FLAGS = new Set([
  '--restore',
  '--auto-on',
  '--auto-off',
  '--threshold',
  '--strategy',
]);

/** Counts what the next request really carries: system, tools, history, pins. */
async function measure(options: CommandOptions, deps: CommandDeps) {
  const settings = await deps.settings();
  const tokenizer = createTokenizer(options.provider, options.model, { engine: deps.engine });
  const system: NanocoderMessage = { role: 'system', content: await deps.systemPrompt() };
  const tools = deps.tools();
  const t = tokenizer.tokenizer;
  const systemTokens = deps.engine.count(toCtxkit(system), t);
  // What the tool definitions add to an empty request.
  const toolTokens = requestOverhead(t, tools) - requestOverhead(t);
  let history = 0;
  let pins = 0;
  const byTool = new Map<string, { calls: number; tokens: number }>();
  for (const m of options.messages) {
    if (m.role === 'system') continue;
    const c = deps.engine.count(toCtxkit(m), t);
    history += c;
    if (deps.session.isPinned(m, settings.pins)) pins += c;
    if (m.role === 'tool') {
      const tool = m.name ?? 'tool';
      const e = byTool.get(tool) ?? { calls: 0, tokens: 0 };
      e.calls++;
      e.tokens += c;
      byTool.set(tool, e);
    }
  }
  const total = systemTokens + toolTokens + history + requestOverhead(t);
  return { settings, tokenizer, system, tools, systemTokens, toolTokens, history, pins, total, byTool };
}

async function compactCommand(args: readonly string[], options: CommandOptions, deps: CommandDeps) {
  const ui = await deps.ui();
  if (options.messages.length === 0) {
    options.onAddToChatQueue(ui.info('No messages to compact.'));
    options.onCommandComplete?.();
    return;
  }
  const preview = args.includes('--preview');
  const m = await measure(options, deps);
  try {
    const contextLimit = await deps.contextLimit(options.provider, options.model, options.client);
    if (!contextLimit) {
      options.onAddToChatQueue(
        ui.error('ctxkit: no context window is known for this model; set ctxkit.contextLimit.'),
      );
      return;
    }
    const model =
      (m.settings.summarizer === 'model' || args.includes('--llm')) && !args.includes('--mechanical');
    const client = options.client;
    const summarizer =
      model && client && !preview
        ? modelSummarizer(async (request, signal) => {
            const r = await deps.session.summary(() => client.chat(request, {}, {}, signal));
            return r?.choices?.[0]?.message?.content ?? '';
          }, options.model)
        : undefined;
    if (summarizer) {
      options.onAddToChatQueue(
        ui.info(
          `ctxkit: summarizing with ${options.model} (up to ${n(m.settings.summaryTimeoutMs / 1000)} s)…`,
        ),
      );
      options.setIsToolExecuting?.(true);
    }
    let result: Awaited<ReturnType<typeof compactNanocoderMessages>>;
    try {
      result = await compactNanocoderMessages(options.messages, m.system, {
        contextLimit,
        tokenizer: m.tokenizer,
        tools: m.tools,
        force: true,
        threshold: m.settings.threshold,
        target: m.settings.target,
        attemptTimeoutMs: m.settings.summaryTimeoutMs,
        reserveTokens: replyReserve(contextLimit),
        isPinned: (x) => deps.session.isPinned(x, m.settings.pins),
        ...(summarizer ? { summarizer } : {}),
      });
    } finally {
      if (summarizer) options.setIsToolExecuting?.(false);
    }
    const parts = `system ${n(m.systemTokens)} · tools ${n(m.toolTokens)} · history ${n(m.history)}${m.pins > 0 ? ` (pinned ${n(m.pins)})` : ''}`;
    if (preview) {
      options.onAddToChatQueue(
        ui.info(
          `Preview (ctxkit): ${n(result.before)} → ${n(result.after)} tokens if compacted now (${result.producedBy}${summarizer === undefined && model ? '; the model would write the summary' : ''}). Sent now: ${parts}.`,
        ),
      );
      return;
    }
    if (result.after >= result.before) {
      options.onAddToChatQueue(ui.info(`ctxkit: nothing to compact (${n(result.before)} tokens: ${parts}).`));
      return;
    }
    await deps.storeBackup(options.messages);
    options.setMessages(result.messages);
    deps.session.compactions.push({
      source: '/compact',
      before: result.before,
      after: result.after,
      producedBy: result.producedBy,
      failures: result.failures,
      at: new Date().toISOString(),
    });
    options.onAddToChatQueue(
      ui.success(
        `ctxkit compacted the context: ${n(result.before)} → ${n(result.after)} tokens (${result.producedBy}). Before: ${parts}.`,
      ),
    );
    if (result.failures.length > 0) {
      options.onAddToChatQueue(
        ui.error(`summary model failed (${result.failures[0]}); fell back to the deterministic summary`),
      );
    }
  } catch (error) {
    options.onAddToChatQueue(ui.error(`ctxkit: compaction failed, history unchanged: ${String(error)}`));
  } finally {
    m.tokenizer.free();
    options.onCommandComplete?.();
  }
}

function preview(m: NanocoderMessage): string {
  const text = typeof m.content === 'string' ? m.content : '';
  const calls = (m.tool_calls ?? []).map((c) => `${c.function.name}()`).join(', ');
  const one = (text || calls || '(empty)').replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}…` : one;
}

function pinCommand(
  args: readonly string[],
  options: CommandOptions,
  deps: CommandDeps,
  ui: CommandUi,
): unknown {
  const history = options.messages.filter((m) => m.role !== 'system');
  const pins = deps.session.pins;
  const arg = args.join(' ').trim();
  if (arg === 'list' || arg === '--list') {
    if (pins.length === 0)
      return ui.info(
        'No pins. /pin pins the last message; /pin N message N; /pin TEXT every message containing TEXT.',
      );
    const lines = pins.map((p, i) => {
      const at = p.message ? history.indexOf(p.message) : -1;
      const what = p.message
        ? `message ${at >= 0 ? at + 1 : '(no longer in history)'}: ${preview(p.message)}`
        : `text "${p.text}"`;
      return `${i + 1}. ${what}`;
    });
    return ui.info(`Pins (kept verbatim by every compaction):\n${lines.join('\n')}`);
  }
  if (arg === '' || arg === 'last') {
    const last = history.at(-1);
    if (!last) return ui.error('Nothing to pin yet.');
    pins.push({ label: 'last', message: last });
    return ui.success(`Pinned message ${history.length}: ${preview(last)}`);
  }
  const number = /^#?(\d+)$/.exec(arg);
  if (number) {
    const i = Number(number[1]);
    const m = history[i - 1];
    if (!m) return ui.error(`No message ${i}: the history has ${history.length} (1 is the oldest).`);
    pins.push({ label: `#${i}`, message: m });
    return ui.success(`Pinned message ${i}: ${preview(m)}`);
  }
  const text = arg.replace(/^"(.*)"$/, '$1');
  const matching = history.filter((m) => typeof m.content === 'string' && m.content.includes(text)).length;
  pins.push({ label: `"${text}"`, text });
  return ui.success(`Pinned every message containing "${text}" (${matching} now).`);
}

function unpinCommand(
  args: readonly string[],
  _options: CommandOptions,
  deps: CommandDeps,
  ui: CommandUi,
): unknown {
  const pins = deps.session.pins;
  const arg = args.join(' ').trim();
  if (arg === 'all') {
    const k = pins.length;
    pins.length = 0;
    return ui.success(`Removed ${k} pin${k === 1 ? '' : 's'}.`);
  }
  const number = /^#?(\d+)$/.exec(arg);
  const index = number
    ? Number(number[1]) - 1
    : pins.findIndex((p) => p.text === arg.replace(/^"(.*)"$/, '$1'));
  const removed = index >= 0 ? pins.splice(index, 1)[0] : undefined;
  if (!removed) return ui.error(`No such pin "${arg}". /pin list shows them; /unpin N or /unpin all.`);
  return ui.success(`Unpinned ${removed.label}.`);
}

async function ctxkitPanel(options: CommandOptions, deps: CommandDeps, ui: CommandUi): Promise<unknown> {
  const m = await measure(options, deps);
  try {
    const limit = await deps.contextLimit(options.provider, options.model, options.client);
    const sections: PanelSection[] = [];
    sections.push({
      heading: 'Context now (exact)',
      rows: [
        ['Vocabulary', `${m.tokenizer.tokenizer.id}${m.tokenizer.tokenizer.exact ? '' : ' (estimate)'}`],
        [
          'Total',
          `${n(m.total)} tokens${limit ? ` of ${n(limit)} (${Math.round((m.total / limit) * 100)}%)` : ''}`,
        ],
        ['System prompt', n(m.systemTokens)],
        ['Tool definitions', `${n(m.toolTokens)} (${m.tools.length} tools)`],
        ['History', `${n(m.history)} (${options.messages.length} messages)`],
        ['Pinned', `${n(m.pins)} (${deps.session.pins.length + m.settings.pins.length} pins)`],
      ],
    });
    const compactions = deps.session.compactions;
    sections.push({
      heading: 'Compactions this session',
      rows:
        compactions.length === 0
          ? [
              [
                'Count',
                `0 (threshold ${Math.round(m.settings.threshold * 100)}% of the usable window, ${m.settings.enabled ? 'on' : 'off'})`,
              ],
            ]
          : [
              [
                'Count',
                `${compactions.length} (${m.settings.enabled ? 'auto-compaction on' : 'auto-compaction off'})`,
              ],
              ...compactions
                .slice(-3)
                .map((c): [string, string] => [c.source, `${n(c.before)} → ${n(c.after)} (${c.producedBy})`]),
            ],
    });
    const cache = deps.engine.cache.stats();
    sections.push({
      heading: 'Counting',
      rows: [
        [
          'Count-cache hit rate',
          `${(cache.hitRate * 100).toFixed(1)}% (${n(cache.hits)} hits, ${n(cache.misses)} misses)`,
        ],
      ],
    });
    const usage = await deps.usage();
    sections.push({
      heading: 'This session',
      rows: usage
        ? [
            ['Tokens', `${n(usage.tokens)} over ${usage.calls} model calls`],
            [
              'Cost',
              usage.local
                ? 'local model (no cost)'
                : usage.cost === null
                  ? 'not priced (model unknown to the price table)'
                  : `$${usage.cost.toFixed(4)}`,
            ],
          ]
        : [['Tokens', 'no model call yet']],
    });
    const tools = [...m.byTool.entries()].sort((a, b) => b[1].tokens - a[1].tokens).slice(0, 5);
    sections.push({
      heading: 'Top tools by tokens (in the history)',
      rows:
        tools.length === 0
          ? [['—', 'no tool results yet']]
          : tools.map(([t, e]): [string, string] => [t, `${n(e.tokens)} tokens in ${e.calls} results`]),
    });
    const last = await deps.lastSessions(3);
    sections.push({
      heading: 'Last sessions (ctxkit usage store)',
      rows:
        last.length === 0
          ? [['—', 'none stored yet']]
          : last.map((s, i): [string, string] => [`${i + 1}`, s]),
    });
    return ui.panel('ctxkit', sections);
  } finally {
    m.tokenizer.free();
  }
}
