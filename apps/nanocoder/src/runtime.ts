/**
 * What the loader-hook shims install in place of Nanocoder's functions. Loaded
 * only inside a Nanocoder process started with `@ctxkit/nanocoder/register`.
 * Nanocoder internals are reached through `rootUrl` at call time, never
 * imported statically, so this module runs (and is tested) on its own.
 * @internal
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ToolDefinition } from '@ctxkit/core';
import { type AutoCompactOverrides, createPerformAutoCompact } from './auto-compact.js';
import { calculateTokenBreakdown } from './breakdown.js';
import { type CommandDeps, type CommandUi, handleCtxkitCommand, type PanelSection } from './commands.js';
import { ContextGuard } from './guard.js';
import { tapLanguageModel } from './model-tap.js';
import { overflowWindow } from './overflow.js';
import { ctxkitSession } from './session-state.js';
import { type CtxkitSettings, type LoadedSettings, loadSettings } from './settings.js';
import { modelSummarizer } from './summarizer.js';
import { createTokenizer, defaultEngine } from './tokenizer.js';
import type { NanocoderMessage } from './types.js';
import { usageRecorder } from './usage.js';

/** The slice of `handleChat`'s parameters ctxkit reads (Nanocoder 1.30.0). */
export interface HandleChatParams {
  model: object;
  currentModel: string;
  providerConfig: {
    name: string;
    disableTools?: boolean;
    disableToolModels?: string[];
    contextWindow?: number;
    contextWindows?: Record<string, number>;
    config?: { baseURL?: string };
  };
  messages: NanocoderMessage[];
  tools: Record<string, unknown>;
  callbacks: Record<string, unknown>;
  signal?: AbortSignal;
  skipTools?: boolean;
  modeOverrides?: { modelParameters?: { maxTokens?: number } };
  [key: string]: unknown;
}

interface ChatResult {
  choices: Array<{ message: { content?: string } }>;
}

/** Nanocoder modules the runtime calls into, loaded on first use. */
function nanocoder(rootUrl: string) {
  const load = <T>(path: string) => import(new URL(path, rootUrl).href) as Promise<T>;
  return {
    models: () =>
      load<{
        getModelContextLimit(model: string, options?: { providerConfig?: unknown }): Promise<number | null>;
        getSessionContextLimit(): number | null;
      }>('dist/models/index.js'),
    backup: () =>
      load<{ compressionBackup: { storeBackup(messages: NanocoderMessage[]): void } }>(
        'dist/utils/compression-backup.js',
      ),
    core: () => load<{ asSchema(schema: unknown): { jsonSchema: unknown } }>('dist/types/core.js'),
    paths: () => load<{ getConfigPath(): string }>('dist/config/paths.js'),
    autoCompact: () =>
      load<{ autoCompactSessionOverrides: AutoCompactOverrides }>('dist/utils/auto-compact.js'),
    queue: () =>
      load<{
        logInfo(message: string): void;
        logWarning(message: string): void;
        logError(message: string): void;
      }>('dist/utils/message-queue.js'),
    setWindow: async (limit: number) =>
      (
        await load<{ setSessionContextLimit(limit: number): void }>('dist/models/index.js')
      ).setSessionContextLimit(limit),
  };
}

const session = ctxkitSession();

/** Headless runs (`--plain`, ACP) have no chat to write into: their notices go to stderr. */
function headless(): boolean {
  return process.argv.includes('--plain') || process.argv.includes('--acp');
}

let routed = false;
/** Routes ctxkit's notices into Nanocoder's chat (TUI), once per process. */
function routeNotices(rootUrl: string): void {
  if (routed || headless()) return;
  routed = true;
  const nc = nanocoder(rootUrl);
  const stderr = session.sink;
  session.sink = (level, text) => {
    nc.queue().then(
      (q) => (level === 'error' ? q.logError : level === 'warning' ? q.logWarning : q.logInfo)(text),
      () => stderr(level, text),
    );
  };
}

/** Whether a chunk read from the terminal is one press of Esc (an escape sequence is longer). */
const isEscape = (chunk: unknown): boolean =>
  chunk === '\u001b' || (Buffer.isBuffer(chunk) && chunk.length === 1 && chunk[0] === 0x1b);

/**
 * Esc cancels a summary in the TUI, and only the summary. While a summary runs (before a request,
 * or in Nanocoder's auto-compact after a reply) Nanocoder is busy and its own Esc would interrupt
 * the whole turn, so the press is taken from the stream: Ink reads stdin with `stdin.read()` in a
 * `readable` handler, and the wrapper skips a lone Esc chunk (an escape sequence is longer) while
 * the summary runs. The turn goes on with the deterministic summary.
 */
function escapeCancels(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stdin = process.stdin;
  if (headless() || !stdin.isTTY) return { signal: controller.signal, dispose: () => {} };
  const cancel = () => {
    if (controller.signal.aborted) return;
    controller.abort(new Error('cancelled by the user (Esc)'));
    session.notify('info', 'summary cancelled (Esc): ctxkit uses its deterministic summary');
  };
  const hadOwn = Object.hasOwn(stdin, 'read');
  const read = stdin.read;
  stdin.read = function readSkippingEscape(this: typeof stdin, ...args: Parameters<typeof read>) {
    let chunk = read.apply(this, args);
    while (chunk !== null && isEscape(chunk)) {
      cancel();
      chunk = read.apply(this, args);
    }
    return chunk;
  } as typeof read;
  return {
    signal: controller.signal,
    dispose: () => {
      if (hadOwn) stdin.read = read;
      else Reflect.deleteProperty(stdin, 'read');
    },
  };
}

let loaded: LoadedSettings | undefined;
/** ctxkit's settings (read once), with Nanocoder's session switches (`/compact --auto-off` …) applied. */
export async function effectiveSettings(rootUrl: string): Promise<CtxkitSettings> {
  const nc = nanocoder(rootUrl);
  if (!loaded) {
    let dir: string | undefined;
    try {
      dir = (await nc.paths()).getConfigPath();
    } catch {
      dir = undefined;
    }
    const inDir = dir ? [join(dir, 'agents.config.json')] : [];
    // Nanocoder's own order: the project's file first, unless NANOCODER_CONFIG_DIR pins one folder.
    loaded = loadSettings(
      process.env.NANOCODER_CONFIG_DIR ? inDir : [join(process.cwd(), 'agents.config.json'), ...inDir],
    );
    for (const w of loaded.warnings) session.notify('warning', w);
  }
  const s = { ...loaded.settings, pins: [...loaded.settings.pins] };
  try {
    const o = (await nc.autoCompact()).autoCompactSessionOverrides;
    if (o.enabled !== null && o.enabled !== undefined) s.enabled = o.enabled;
    if (typeof o.threshold === 'number') s.threshold = o.threshold / 100;
    if (o.strategy === 'llm') s.summarizer = 'model';
    else if (o.strategy === 'mechanical') s.summarizer = 'extractive';
  } catch {
    // No session overrides (a Nanocoder without them): the settings stand.
  }
  return s;
}

/** AI SDK tools → ctxkit tool definitions (name, description, JSON schema). */
export function toolDefinitionsFrom(
  tools: Record<string, unknown>,
  asSchema?: (schema: unknown) => { jsonSchema: unknown },
): ToolDefinition[] {
  const out: ToolDefinition[] = [];
  for (const [name, raw] of Object.entries(tools ?? {})) {
    const tool = raw as { description?: unknown; inputSchema?: unknown };
    const def: ToolDefinition = { name };
    if (typeof tool?.description === 'string') def.description = tool.description;
    let schema: unknown;
    try {
      schema = asSchema
        ? asSchema(tool.inputSchema).jsonSchema
        : (tool.inputSchema as { jsonSchema?: unknown })?.jsonSchema;
    } catch {
      schema = undefined;
    }
    if (schema && typeof schema === 'object' && typeof (schema as { then?: unknown }).then !== 'function') {
      def.parameters = schema as Record<string, unknown>;
    }
    out.push(def);
  }
  return out;
}

const warned = new Set<string>();
function warnOnce(text: string): void {
  if (warned.has(text)) return;
  warned.add(text);
  session.notify('warning', text);
}

const guard = new ContextGuard();

const booked = new WeakSet<NanocoderMessage>();
/** Books each tool result the first time a request carries it: tokens per tool for `--by tool`. */
function bookToolResults(params: HandleChatParams): void {
  const recorder = usageRecorder();
  if (!recorder.toolResult) return;
  const fresh = params.messages.filter((m) => m.role === 'tool' && !booked.has(m));
  if (fresh.length === 0) return;
  const tokenizer = createTokenizer(params.providerConfig.name, params.currentModel);
  try {
    for (const m of fresh) {
      booked.add(m);
      recorder.toolResult(m.name ?? 'tool', tokenizer.countTokens(m));
    }
  } catch {
    // Usage recording must never break the agent's model call.
  } finally {
    tokenizer.free();
  }
}

/** The model of one call, tapped so its usage reaches the tracker, marked as a turn or a summary. */
function tapFor(params: HandleChatParams, purpose: 'turn' | 'summary'): object {
  const recorder = usageRecorder();
  return tapLanguageModel(params.model, (call) => {
    // The turn right after a compaction sent the compacted request: its event carries the figures.
    const compaction = purpose === 'turn' ? session.takeCompaction() : undefined;
    recorder.record({
      ...call,
      provider: params.providerConfig.name,
      model: params.currentModel,
      ...(purpose === 'summary' ? { purpose } : {}),
      ...(compaction
        ? {
            compaction: {
              before: compaction.before,
              after: compaction.after,
              summarizer: compaction.producedBy.replace(/^summary by /, ''),
            },
          }
        : {}),
    });
  });
}

/**
 * Wraps Nanocoder's `handleChat` (the one place every model call goes
 * through: interactive, `--plain`, ACP, subagents): fits the request to the
 * window first — when Nanocoder's auto-compact switches and ctxkit's settings
 * allow it — and reports each call's provider usage to the tracker.
 */
export function wrapHandleChat(
  original: (params: HandleChatParams) => Promise<ChatResult>,
  rootUrl: string,
): (params: HandleChatParams) => Promise<ChatResult> {
  const nc = nanocoder(rootUrl);
  routeNotices(rootUrl);
  return async function handleChat(params) {
    if (session.summarizing > 0 && Object.keys(params.tools ?? {}).length === 0) {
      // A summary ctxkit asked for through Nanocoder's client: sent as is, recorded as a summary.
      return original({ ...params, model: tapFor(params, 'summary') });
    }
    const settings = await effectiveSettings(rootUrl);
    const debug = settings.debug ? (m: string) => process.stderr.write(`[ctxkit] ${m}\n`) : undefined;
    const key = `${params.providerConfig.name}\u0000${params.currentModel}`;
    session.local =
      /\/\/(localhost|127\.|\[::1\]|0\.0\.0\.0)/.test(params.providerConfig.config?.baseURL ?? '') ||
      /ollama|lm ?studio|llama\.?cpp|local/i.test(params.providerConfig.name);
    const tap = (purpose: 'turn' | 'summary') => tapFor(params, purpose);
    let configured: number | null = null;
    let summaryMs = 0;
    const fit = async (messages: NanocoderMessage[], force: boolean): Promise<NanocoderMessage[]> => {
      const started = performance.now();
      const { getModelContextLimit } = await nc.models();
      configured =
        settings.contextLimit ??
        (await getModelContextLimit(params.currentModel, { providerConfig: params.providerConfig }));
      const told = session.learned.get(key);
      const contextLimit = told !== undefined ? Math.min(told, configured ?? told) : configured;
      if (!contextLimit) return messages;
      if (!settings.enabled) {
        // The user turned compaction off (`/compact --auto-off`, autoCompact.enabled, ctxkit.enabled):
        // compactions already made stand, no new one is made.
        return [
          ...messages.filter((m) => m.role === 'system'),
          ...guard.apply(messages.filter((m) => m.role !== 'system')),
        ];
      }
      const toolsOff =
        params.skipTools === true ||
        params.providerConfig.disableTools === true ||
        params.providerConfig.disableToolModels?.includes(params.currentModel) === true;
      const { asSchema } = await nc.core();
      const tools = toolsOff ? [] : toolDefinitionsFrom(params.tools, asSchema);
      // Side calls (titles, summaries) send no tools; /compact and /ctxkit count the agent's turns.
      if (tools.length > 0 || toolsOff) session.lastTools = tools;
      const maxTokens = params.modeOverrides?.modelParameters?.maxTokens;
      const summaryModel = tap('summary');
      // In the TUI, Esc during a model summary cancels the summary, not the turn.
      const esc = settings.summarizer === 'model' ? escapeCancels() : undefined;
      const signal =
        esc && params.signal ? AbortSignal.any([params.signal, esc.signal]) : (esc?.signal ?? params.signal);
      const fitted = await guard
        .fit({
          messages,
          provider: params.providerConfig.name,
          model: params.currentModel,
          contextLimit,
          tools,
          force,
          threshold: settings.threshold,
          target: settings.target,
          attemptTimeoutMs: settings.summaryTimeoutMs,
          isPinned: (m) => session.isPinned(m, settings.pins),
          ...(maxTokens ? { reserveTokens: maxTokens } : {}),
          ...(signal ? { signal } : {}),
          ...(settings.summarizer === 'model'
            ? {
                summarizer: modelSummarizer(async (request, signal) => {
                  const at = performance.now();
                  const r = await original({
                    ...params,
                    model: summaryModel,
                    messages: request,
                    tools: {},
                    callbacks: {},
                    signal,
                    // One attempt per chunk: a failing summary model must not be retried with backoff.
                    maxRetries: 0,
                  });
                  summaryMs += performance.now() - at;
                  return r.choices[0]?.message.content ?? '';
                }, params.currentModel),
              }
            : {}),
        })
        .finally(() => esc?.dispose());
      debug?.(
        `request ${fitted.before} tokens${fitted.compacted ? ` → compacted to ${fitted.after}` : ''} (limit ${contextLimit}; ctxkit ${(performance.now() - started - summaryMs).toFixed(2)} ms, summary calls ${summaryMs.toFixed(0)} ms)`,
      );
      if (fitted.compacted) {
        session.compacted({
          source: 'request',
          before: fitted.before,
          after: fitted.after,
          producedBy: fitted.producedBy ?? 'ctxkit',
          failures: fitted.failures ?? [],
        });
      }
      return fitted.messages;
    };
    bookToolResults(params);
    let messages = params.messages;
    try {
      messages = await fit(messages, false);
    } catch (error) {
      warnOnce(`context check failed, request sent as Nanocoder built it: ${String(error)}`);
      messages = params.messages;
    }
    const model = tap('turn');
    try {
      return await original({ ...params, messages, model });
    } catch (error) {
      const window = overflowWindow(error);
      if (window === undefined) throw error;
      // The provider says the request is too long: learn its real window (Nanocoder's
      // /usage and status bar use it from now on), compact to it and retry once.
      const first = !session.learned.has(key);
      session.learned.set(key, window.limit);
      try {
        await nc.setWindow(window.limit);
      } catch {
        // An older Nanocoder without a session window: ctxkit still uses it.
      }
      if (first) {
        session.notify(
          'warning',
          `the provider rejected a request of ${window.sent?.toLocaleString('en-US') ?? 'too many'} tokens: the window of ${params.currentModel} is ${window.limit.toLocaleString('en-US')} tokens${configured ? ` (configured ${Number(configured).toLocaleString('en-US')})` : ''}; using ${window.limit.toLocaleString('en-US')} from now on`,
        );
      }
      if (!settings.enabled) throw error;
      let retry: NanocoderMessage[];
      try {
        retry = await fit(params.messages, true);
      } catch {
        throw error;
      }
      try {
        return await original({ ...params, messages: retry, model });
      } catch (again) {
        const second = overflowWindow(again);
        if (second === undefined) throw again;
        throw new Error(
          `ctxkit compacted the request and the provider still rejected it (${second.sent ?? '?'} tokens > ${second.limit}): what must stay verbatim (system prompt, tools, the current step, pins) does not fit this window`,
        );
      }
    }
  };
}

/** Nanocoder's own Ink components (and its React), for ctxkit's lines and panels. */
async function commandUi(rootUrl: string): Promise<CommandUi> {
  const load = <T>(path: string) => import(new URL(path, rootUrl).href) as Promise<T>;
  const resolveFrom = createRequire(new URL('dist/cli.js', rootUrl));
  type El = unknown;
  type H = (type: unknown, props: Record<string, unknown> | null, ...children: unknown[]) => El;
  const [factory, reactNs, ink, titled, theme, width] = await Promise.all([
    load<Record<'infoMsg' | 'successMsg' | 'errorMsg', (text: string, key: string) => El>>(
      'dist/utils/message-factory.js',
    ),
    import(pathToFileURL(resolveFrom.resolve('react')).href) as Promise<{ default: { createElement: H } }>,
    import(pathToFileURL(resolveFrom.resolve('ink')).href) as Promise<{ Box: unknown; Text: unknown }>,
    load<{ TitledBoxWithPreferences: unknown }>('dist/components/ui/titled-box.js'),
    load<{ useTheme(): { colors: Record<string, string> } }>('dist/hooks/useTheme.js'),
    load<{ useTerminalWidth(): number }>('dist/hooks/useTerminalWidth.js'),
  ]);
  const h = reactNs.default.createElement;
  const { Box, Text } = ink;
  let keys = 0;
  function CtxkitPanel({ title, sections }: { title: string; sections: PanelSection[] }): El {
    const { colors } = theme.useTheme();
    const boxWidth = width.useTerminalWidth();
    const children: El[] = [];
    sections.forEach((s, i) => {
      children.push(
        h(
          Box,
          { key: `h${i}`, marginTop: i === 0 ? 0 : 1 },
          h(Text, { color: colors.primary, bold: true }, s.heading),
        ),
      );
      s.rows.forEach(([label, value], j) => {
        children.push(
          h(
            Box,
            { key: `r${i}.${j}` },
            h(Text, { color: colors.secondary }, `${label}: `, h(Text, { color: colors.text }, value)),
          ),
        );
      });
    });
    return h(
      titled.TitledBoxWithPreferences,
      {
        title,
        width: boxWidth,
        borderColor: colors.info,
        paddingX: 2,
        paddingY: 1,
        flexDirection: 'column',
        marginBottom: 1,
      },
      ...children,
    );
  }
  return {
    info: (text) => factory.infoMsg(text, 'ctxkit'),
    success: (text) => factory.successMsg(text, 'ctxkit'),
    error: (text) => factory.errorMsg(text, 'ctxkit'),
    panel: (title, sections) => h(CtxkitPanel, { key: `ctxkit-panel-${++keys}`, title, sections }),
  };
}

/** What ctxkit's slash commands read, from the running Nanocoder and this process. */
/**
 * The window ctxkit works with: the `ctxkit.contextLimit` setting, else Nanocoder's session limit,
 * else its limit for the model (from the provider's config) — capped by a window a provider reported
 * when it rejected a request, since that is the real one.
 */
async function contextLimitOf(
  rootUrl: string,
  model: string,
  client: unknown,
  learned: number | undefined,
): Promise<number | null | undefined> {
  const { getModelContextLimit, getSessionContextLimit } = await nanocoder(rootUrl).models();
  const providerConfig = (client as { getProviderConfig?: () => unknown } | undefined)?.getProviderConfig?.();
  const configured =
    (await effectiveSettings(rootUrl)).contextLimit ??
    getSessionContextLimit() ??
    (await getModelContextLimit(model, { providerConfig }));
  return learned !== undefined ? Math.min(learned, configured ?? learned) : configured;
}

function commandDeps(rootUrl: string): CommandDeps {
  const nc = nanocoder(rootUrl);
  const load = <T>(path: string) => import(new URL(path, rootUrl).href) as Promise<T>;
  return {
    ui: () => commandUi(rootUrl),
    session,
    engine: defaultEngine(),
    settings: () => effectiveSettings(rootUrl),
    async systemPrompt() {
      return (
        (await load<{ getLastBuiltPrompt(): string }>('dist/utils/prompt-builder.js')).getLastBuiltPrompt() ??
        ''
      );
    },
    tools: () => session.lastTools,
    async contextLimit(provider, model, client) {
      return contextLimitOf(rootUrl, model, client, session.learned.get(`${provider}\u0000${model}`));
    },
    async storeBackup(messages) {
      (await nc.backup()).compressionBackup.storeBackup(messages);
    },
    async usage() {
      const r = usageRecorder() as { tracker?: import('@ctxkit/tracker').TokenUsageTracker };
      if (!r.tracker || r.tracker.sessionId === undefined) return undefined;
      const u = r.tracker.getCurrentUsage();
      return {
        tokens: u.totals.totalTokens,
        calls: u.totals.calls,
        cost: u.totals.cost,
        local: session.local,
      };
    },
    async lastSessions(limit) {
      const r = usageRecorder() as {
        flush(): Promise<void>;
        tracker?: import('@ctxkit/tracker').TokenUsageTracker;
      };
      if (!r.tracker) return [];
      await r.flush();
      const list = await r.tracker.sessions({ limit });
      return list.map(
        (s) =>
          `${s.startedAt.slice(0, 16).replace('T', ' ')} ${s.model}: ${s.totals.totalTokens.toLocaleString('en-US')} tokens, ${s.totals.calls} calls${s.totals.cost === null ? '' : `, $${s.totals.cost.toFixed(4)}`}`,
      );
    },
  };
}

/**
 * Returns the replacements for one patched Nanocoder module. Called by the
 * generated shim with the original module's namespace.
 * @internal
 */
export function install(
  key: string,
  original: Record<string, unknown>,
  rootUrl: string,
): Record<string, unknown> {
  switch (key) {
    case 'tokenization':
      return { createTokenizer: (provider: string, model: string) => createTokenizer(provider, model) };
    case 'calculator':
      return { calculateTokenBreakdown };
    case 'messageCapping':
      return {
        capMessagesForModel: (messages: NanocoderMessage[], maxMessages: number) =>
          guard.cap(messages, maxMessages),
      };
    case 'autoCompact': {
      const nc = nanocoder(rootUrl);
      routeNotices(rootUrl);
      return {
        performAutoCompact: createPerformAutoCompact({
          overrides: original.autoCompactSessionOverrides as AutoCompactOverrides,
          engine: defaultEngine(),
          settings: () => effectiveSettings(rootUrl),
          session,
          cancellation: escapeCancels,
          async contextLimit(model, client) {
            // Nanocoder's auto-compact names no provider: a window learned for this model under any.
            const learned = [...session.learned.entries()].find(([k]) => k.endsWith(`\u0000${model}`))?.[1];
            return contextLimitOf(rootUrl, model, client, learned);
          },
          async storeBackup(messages) {
            (await nc.backup()).compressionBackup.storeBackup(messages);
          },
          async toolDefinitions(tools) {
            return toolDefinitionsFrom(tools, (await nc.core()).asSchema);
          },
        }),
      };
    }
    case 'commands': {
      const deps = commandDeps(rootUrl);
      const nanocoders = original.handleCompactCommand as (
        parts: string[],
        options: unknown,
      ) => Promise<boolean>;
      return {
        handleCompactCommand: async (parts: string[], options: Parameters<typeof handleCtxkitCommand>[1]) => {
          try {
            if (await handleCtxkitCommand(parts, options, deps)) return true;
          } catch (error) {
            warnOnce(`/${parts[0]} failed in ctxkit, Nanocoder's own runs instead: ${String(error)}`);
          }
          return nanocoders(parts, options);
        },
      };
    }
    case 'contextPercentage': {
      // The status bar resolves the window once per model; a window a provider taught later
      // (a rejection) replaces it here, so `ctx: N%` is of the window requests really get.
      const hook = original.useContextPercentage as (args: Record<string, unknown>) => unknown;
      return {
        useContextPercentage: (args: Record<string, unknown>) => {
          const model = String(args.currentModel ?? '');
          const learned = [...session.learned.entries()].find(([k]) => k.endsWith(`\u0000${model}`))?.[1];
          const limit = typeof args.contextLimit === 'number' ? args.contextLimit : undefined;
          return hook(
            learned !== undefined && (limit === undefined || learned < limit)
              ? { ...args, contextLimit: learned }
              : args,
          );
        },
      };
    }
    case 'chatHandler':
      return {
        handleChat: wrapHandleChat(original.handleChat as Parameters<typeof wrapHandleChat>[0], rootUrl),
      };
    default:
      return {};
  }
}
