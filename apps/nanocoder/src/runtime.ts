/**
 * What the loader-hook shims install in place of Nanocoder's functions. Loaded
 * only inside a Nanocoder process started with `@ctxkit/nanocoder/register`.
 * Nanocoder internals are reached through `rootUrl` at call time, never
 * imported statically, so this module runs (and is tested) on its own.
 * @internal
 */
import type { ToolDefinition } from '@ctxkit/core';
import { type AutoCompactOverrides, createPerformAutoCompact } from './auto-compact.js';
import { calculateTokenBreakdown } from './breakdown.js';
import { ContextGuard } from './guard.js';
import { tapLanguageModel } from './model-tap.js';
import { overflowWindow } from './overflow.js';
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
  };
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

let warned = false;
function warnOnce(what: string, error: unknown): void {
  if (warned) return;
  warned = true;
  process.stderr.write(`[ctxkit] ${what} failed, continuing without it: ${String(error)}\n`);
}

const guard = new ContextGuard({
  ...(process.env.CTXKIT_COMPACT_THRESHOLD
    ? { threshold: Number(process.env.CTXKIT_COMPACT_THRESHOLD) }
    : {}),
  ...(process.env.CTXKIT_COMPACT_TARGET ? { target: Number(process.env.CTXKIT_COMPACT_TARGET) } : {}),
});

/**
 * Wraps Nanocoder's `handleChat` (the one place every model call goes
 * through: interactive, `--plain`, ACP, subagents): fits the request to the
 * window first, and reports each call's provider usage to the tracker.
 */
export function wrapHandleChat(
  original: (params: HandleChatParams) => Promise<ChatResult>,
  rootUrl: string,
): (params: HandleChatParams) => Promise<ChatResult> {
  const nc = nanocoder(rootUrl);
  const summarizeWithModel = process.env.CTXKIT_SUMMARIZER === 'model';
  // Windows the provider itself reported when it rejected a request as too
  // long (configured limits are often wrong for local servers: Ollama's num_ctx).
  const learned = new Map<string, number>();
  return async function handleChat(params) {
    const debug = process.env.CTXKIT_DEBUG
      ? (m: string) => process.stderr.write(`[ctxkit] ${m}\n`)
      : undefined;
    const key = `${params.providerConfig.name}\u0000${params.currentModel}`;
    const fit = async (messages: NanocoderMessage[], force: boolean): Promise<NanocoderMessage[]> => {
      const { getModelContextLimit } = await nc.models();
      const envLimit = Number(process.env.CTXKIT_CONTEXT_LIMIT);
      const configured =
        (await getModelContextLimit(params.currentModel, { providerConfig: params.providerConfig })) ??
        (envLimit > 0 ? envLimit : null);
      const told = learned.get(key);
      const contextLimit = told !== undefined ? Math.min(told, configured ?? told) : configured;
      if (!contextLimit) return messages;
      const toolsOff =
        params.skipTools === true ||
        params.providerConfig.disableTools === true ||
        params.providerConfig.disableToolModels?.includes(params.currentModel) === true;
      const { asSchema } = await nc.core();
      const tools = toolsOff ? [] : toolDefinitionsFrom(params.tools, asSchema);
      const maxTokens = params.modeOverrides?.modelParameters?.maxTokens;
      const fitted = await guard.fit({
        messages,
        provider: params.providerConfig.name,
        model: params.currentModel,
        contextLimit,
        tools,
        force,
        ...(maxTokens ? { reserveTokens: maxTokens } : {}),
        ...(params.signal ? { signal: params.signal } : {}),
        ...(summarizeWithModel
          ? {
              summarizer: modelSummarizer(async (request, signal) => {
                const r = await original({ ...params, messages: request, tools: {}, callbacks: {}, signal });
                return r.choices[0]?.message.content ?? '';
              }),
            }
          : {}),
      });
      debug?.(
        `request ${fitted.before} tokens${fitted.compacted ? ` → compacted to ${fitted.after}` : ''} (limit ${contextLimit})`,
      );
      return fitted.messages;
    };
    let messages = params.messages;
    try {
      messages = await fit(messages, false);
    } catch (error) {
      warnOnce('context guard', error);
      messages = params.messages;
    }
    const recorder = usageRecorder();
    const model = tapLanguageModel(params.model, (call) =>
      recorder.record({ ...call, provider: params.providerConfig.name, model: params.currentModel }),
    );
    try {
      return await original({ ...params, messages, model });
    } catch (error) {
      const window = overflowWindow(error);
      if (window === undefined) throw error;
      // The provider says the request is too long: learn its real window,
      // compact to it and retry once, instead of showing the error.
      learned.set(key, window.limit);
      debug?.(`provider rejected ${window.sent ?? '?'} tokens > ${window.limit}: compacting and retrying`);
      let retry: NanocoderMessage[];
      try {
        retry = await fit(params.messages, true);
      } catch {
        throw error;
      }
      return await original({ ...params, messages: retry, model });
    }
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
      return {
        performAutoCompact: createPerformAutoCompact({
          overrides: original.autoCompactSessionOverrides as AutoCompactOverrides,
          engine: defaultEngine(),
          async contextLimit(model, client) {
            const { getModelContextLimit, getSessionContextLimit } = await nc.models();
            const providerConfig = (
              client as { getProviderConfig?: () => unknown } | undefined
            )?.getProviderConfig?.();
            return getSessionContextLimit() ?? (await getModelContextLimit(model, { providerConfig }));
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
    case 'chatHandler':
      return {
        handleChat: wrapHandleChat(original.handleChat as Parameters<typeof wrapHandleChat>[0], rootUrl),
      };
    default:
      return {};
  }
}
