import { TokenUsageTracker, type UsageEvent } from '@ctxkit/tracker';
import type { ProviderCallUsage, TappedCall } from './model-tap.js';

/** One model call's usage, as the hook hands it to the recorder. */
export interface ModelCallRecord extends TappedCall {
  /** Nanocoder's provider name (from agents.config.json). */
  provider: string;
  /** The model Nanocoder asked for. */
  model: string;
  /** `summary` for a summary call ctxkit made (not one of the agent's turns). */
  purpose?: 'summary';
  /** The compaction of this call's request, when ctxkit compacted it. */
  compaction?: { before: number; after: number; summarizer: string };
}

/** Where model-call usage goes. */
export interface UsageRecorder {
  /** Records one call; never throws (usage must not break the agent). */
  record(call: ModelCallRecord): void;
  /** Resolves when every record so far is durable. */
  flush(): Promise<void>;
  /** Records the tokens of one tool result, booked on the next call; never throws. */
  toolResult?(tool: string, tokens: number): void;
}

/**
 * The provider-level usage of one call in the AI SDK's `LanguageModelUsage`
 * shape, which `@ctxkit/tracker`'s `fromAiSdk` normalizes (cache reads and
 * writes and reasoning kept — Nanocoder reduces usage to input/output/total).
 * `undefined` when the provider reported no input or output count.
 *
 * @param usage - the provider-level usage of the call (the AI SDK's `inputTokens` / `outputTokens`
 *   objects with their `total` and details)
 */
export function toAiSdkUsage(usage: ProviderCallUsage): Record<string, unknown> | undefined {
  const input = usage.inputTokens?.total;
  const output = usage.outputTokens?.total;
  if (input === undefined && output === undefined) return undefined;
  return {
    inputTokens: input ?? 0,
    outputTokens: output ?? 0,
    totalTokens: (input ?? 0) + (output ?? 0),
    inputTokenDetails: {
      noCacheTokens: usage.inputTokens?.noCache,
      cacheReadTokens: usage.inputTokens?.cacheRead ?? 0,
      cacheWriteTokens: usage.inputTokens?.cacheWrite ?? 0,
    },
    outputTokenDetails: {
      textTokens: usage.outputTokens?.text,
      reasoningTokens: usage.outputTokens?.reasoning ?? 0,
    },
  };
}

/** Options for {@link createTrackerRecorder}. */
export interface TrackerRecorderOptions {
  /**
   * The tracker.
   * @default one with a `JsonlUsageStore` in `$XDG_DATA_HOME/ctxkit/usage`
   */
  tracker?: TokenUsageTracker;
  /** Metadata stored with the session (e.g. `{ agent: 'nanocoder', cwd }`). */
  meta?: Record<string, string | number | boolean>;
  /** Called when a record cannot be stored. */
  onError?: (error: unknown) => void;
}

/**
 * A recorder that turns each model call into a `@ctxkit/tracker` event, in a
 * session opened on the first call — so Nanocoder's usage history survives
 * the process (its own persistent store is wired to nothing in 1.30.0).
 *
 * @param options - the tracker, the session metadata and the error handler; see
 *   {@link TrackerRecorderOptions}
 */
export function createTrackerRecorder(options: TrackerRecorderOptions = {}): UsageRecorder & {
  readonly tracker: TokenUsageTracker;
  readonly events: UsageEvent[];
} {
  const tracker = options.tracker ?? new TokenUsageTracker();
  const pending = new Set<Promise<unknown>>();
  const events: UsageEvent[] = [];
  const fail = options.onError ?? (() => {});
  return {
    tracker,
    events,
    record(call) {
      try {
        const usage = toAiSdkUsage(call.usage);
        if (usage === undefined) return;
        if (tracker.sessionId === undefined) {
          tracker.startSession({
            provider: call.provider,
            model: call.model,
            ...(options.meta ? { meta: options.meta } : {}),
          });
        }
        const p = tracker
          .record(usage, {
            shape: 'ai-sdk',
            provider: call.provider,
            model: call.model,
            ...(call.durationMs !== undefined ? { latencyMs: call.durationMs } : {}),
            ...(call.tools ? { tools: call.tools } : {}),
            // Marked, so `ctxkit usage report --by tool` shows what summaries cost as `(summary)`.
            ...(call.purpose === 'summary' ? { purpose: 'summary' as const } : {}),
            ...(call.compaction ? { compaction: call.compaction } : {}),
          })
          .then((e) => {
            events.push(e);
          }, fail);
        pending.add(p);
        void p.finally(() => pending.delete(p));
      } catch (error) {
        fail(error);
      }
    },
    async flush() {
      await Promise.allSettled([...pending]);
    },
    toolResult(tool, tokens) {
      try {
        // Count 0: the call that made it was counted with the response's own tool calls.
        if (tracker.sessionId !== undefined) tracker.trackToolUsage(tool, tokens, 0);
      } catch (error) {
        fail(error);
      }
    },
  };
}

let recorder: UsageRecorder | undefined;

/** The process-wide recorder the hook uses (a tracker recorder, created on first use). */
export function usageRecorder(): UsageRecorder {
  recorder ??= createTrackerRecorder({
    meta: { agent: 'nanocoder', cwd: process.cwd() },
    onError: (error) => process.stderr.write(`[ctxkit] usage not recorded: ${String(error)}\n`),
  });
  return recorder;
}

/**
 * Replaces the process-wide recorder.
 *
 * @param next - the recorder the hook uses from now on
 */
export function setUsageRecorder(next: UsageRecorder): void {
  recorder = next;
}
