import type { ToolDefinition } from '@ctxkit/core';
import { compactNanocoderMessages } from './compact.js';
import { toCtxkit } from './convert.js';
import type { Engine } from './counting-engine.js';
import type { CtxkitSessionState } from './session-state.js';
import { type CtxkitSettings, replyReserve } from './settings.js';
import { modelSummarizer } from './summarizer.js';
import { createTokenizer } from './tokenizer.js';
import type {
  AutoCompactConfig,
  NanocoderChatClient,
  NanocoderCompressionMode,
  NanocoderCompressionStrategy,
  NanocoderMessage,
} from './types.js';

/** Nanocoder's session overrides for auto-compact (`autoCompactSessionOverrides`). */
export interface AutoCompactOverrides {
  enabled: boolean | null;
  threshold: number | null;
  mode: NanocoderCompressionMode | null;
  strategy: NanocoderCompressionStrategy | null;
}

/** What the replacement needs from Nanocoder (injected, so it runs without Nanocoder too). */
export interface AutoCompactDeps {
  /** Nanocoder's live session overrides (default: none). */
  overrides?: AutoCompactOverrides;
  /** The context window for a model (Nanocoder: session override, provider config, models.dev). */
  contextLimit(model: string, client: unknown): Promise<number | null | undefined>;
  /** Keeps a copy for `/compact --restore` (Nanocoder's `compressionBackup.storeBackup`). */
  storeBackup?(messages: NanocoderMessage[]): void | Promise<void>;
  /** Converts Nanocoder's native tools (AI SDK tools) to definitions ctxkit can count. */
  toolDefinitions?(nativeTools: Record<string, unknown>): ToolDefinition[] | Promise<ToolDefinition[]>;
  /** Pool and cache (default: the process-wide engine). */
  engine?: Engine;
  /**
   * ctxkit's settings with Nanocoder's session switches applied (see the README);
   * when given they decide enabled / threshold / target / summarizer instead of `config`.
   */
  settings?: () => Promise<CtxkitSettings>;
  /** Where compactions are recorded and told to the user (default: Nanocoder's `onNotify`). */
  session?: CtxkitSessionState;
  /** A signal the user can abort (Esc in the TUI) while a summary runs; `dispose` stops listening. */
  cancellation?: () => { signal: AbortSignal; dispose(): void };
}

/** Nanocoder's `performAutoCompact` signature. */
export type PerformAutoCompact = (
  messages: NanocoderMessage[],
  systemMessage: NanocoderMessage,
  provider: string,
  model: string,
  config: AutoCompactConfig,
  onNotify?: (message: string) => void,
  client?: NanocoderChatClient,
  nativeTools?: Record<string, unknown>,
) => Promise<NanocoderMessage[] | null>;

/** Compress-to share of the usable window per Nanocoder compression mode. */
const TARGET: Record<NanocoderCompressionMode, number> = {
  aggressive: 0.35,
  default: 0.5,
  conservative: 0.65,
};

/**
 * Builds a drop-in for Nanocoder's `performAutoCompact`: same gate (enabled,
 * threshold percentage clamped 50–95, session overrides), same return contract
 * (`null` when nothing was done, else the history without the system message,
 * summary first as a `user` message), but the trigger counts tool-call
 * arguments and tool definitions exactly, and the work is done by
 * `@ctxkit/compressor` (supersede, prune, summarize with the model when the
 * strategy is `llm`, deterministic summary otherwise, never an orphan).
 *
 * @param deps - what it needs from Nanocoder: the context window lookup, and optionally the
 *   session overrides, settings, backup, tool definitions, engine, session state and cancellation;
 *   see {@link AutoCompactDeps}
 */
export function createPerformAutoCompact(deps: AutoCompactDeps): PerformAutoCompact {
  return async (messages, systemMessage, provider, model, config, onNotify, client, nativeTools) => {
    const o = deps.overrides;
    const s = deps.settings ? await deps.settings() : undefined;
    const enabled = s ? s.enabled : (o?.enabled ?? config.enabled);
    if (!enabled) return null;
    const threshold = s ? s.threshold * 100 : Math.max(50, Math.min(95, o?.threshold ?? config.threshold));
    const mode = o?.mode ?? config.mode ?? 'default';
    const strategy = s
      ? s.summarizer === 'model'
        ? 'llm'
        : 'mechanical'
      : (o?.strategy ?? config.strategy ?? 'llm');
    let contextLimit: number | null | undefined;
    try {
      contextLimit = await deps.contextLimit(model, client);
    } catch {
      return null;
    }
    if (!contextLimit) return null;
    const tokenizer = createTokenizer(provider, model, deps.engine ? { engine: deps.engine } : {});
    try {
      const tools = nativeTools && deps.toolDefinitions ? await deps.toolDefinitions(nativeTools) : undefined;
      const before = tokenizer.engine.countRequest(
        [systemMessage, ...messages].map(toCtxkit),
        tokenizer.tokenizer,
        tools,
      );
      // With ctxkit's settings the threshold is a share of the usable window (the reply's reserve
      // left out), as everywhere in ctxkit; Nanocoder's own is a share of the whole window.
      const reserve = replyReserve(contextLimit);
      const percent = (before / (s ? contextLimit - reserve : contextLimit)) * 100;
      if (percent < threshold) return null;
      await deps.storeBackup?.(messages);
      const summarizer =
        strategy === 'llm' && client
          ? modelSummarizer(async (request, signal) => {
              const send = () => client.chat(request, {}, {}, signal);
              const response = await (deps.session ? deps.session.summary(send) : send());
              return response?.choices?.[0]?.message?.content ?? '';
            }, model)
          : undefined;
      const target = s ? s.target : Math.min(TARGET[mode] ?? 0.5, (threshold / 100) * 0.9);
      let result: Awaited<ReturnType<typeof compactNanocoderMessages>>;
      const cancel = summarizer ? deps.cancellation?.() : undefined;
      try {
        result = await compactNanocoderMessages(messages, systemMessage, {
          ...(cancel ? { signal: cancel.signal } : {}),
          contextLimit,
          tokenizer,
          force: true,
          threshold: threshold / 100,
          target,
          ...(tools ? { tools } : {}),
          ...(summarizer ? { summarizer } : {}),
          ...(s ? { attemptTimeoutMs: s.summaryTimeoutMs, reserveTokens: reserve } : {}),
          ...(deps.session
            ? { isPinned: (m: NanocoderMessage) => deps.session?.isPinned(m, s?.pins ?? []) === true }
            : {}),
        });
      } catch {
        // Nanocoder treats `null` as "nothing compacted"; its history stays intact.
        return null;
      } finally {
        cancel?.dispose();
      }
      if (result.after >= result.before) return null;
      if (deps.session) {
        const record = {
          source: 'auto-compact' as const,
          before: result.before,
          after: result.after,
          producedBy: result.producedBy,
          failures: result.failures,
        };
        if (config.notifyUser === false)
          deps.session.compactions.push({ ...record, at: new Date().toISOString() });
        else deps.session.compacted(record);
      } else if (config.notifyUser && onNotify) {
        const reduction = Math.round(((result.before - result.after) / result.before) * 100);
        const how = result.summary !== undefined && summarizer ? ' (LLM summary)' : '';
        onNotify(
          `Context at ${Math.round(percent)}% capacity - auto-compacting${how}...\n\nContext Compacted: ${result.before.toLocaleString()} tokens → ${result.after.toLocaleString()} tokens (${reduction}% reduction)`,
        );
      }
      return result.messages;
    } finally {
      tokenizer.free();
    }
  };
}
