import type { TappedCall } from './model-tap.js';

/** One model call's usage, as the hook hands it to the sink. */
export interface ModelCallRecord extends TappedCall {
  /** Nanocoder's provider name (from agents.config.json). */
  provider: string;
  /** The model Nanocoder asked for. */
  model: string;
}

/** Where model-call usage goes. */
export interface UsageRecorder {
  record(call: ModelCallRecord): void;
  /** Resolves when every record so far is stored. */
  flush(): Promise<void>;
}

let recorder: UsageRecorder | undefined;

/** The process-wide recorder (replace it with {@link setUsageRecorder}). */
export function usageRecorder(): UsageRecorder {
  recorder ??= { record() {}, flush: async () => {} };
  return recorder;
}

/** Replaces the process-wide recorder. */
export function setUsageRecorder(next: UsageRecorder): void {
  recorder = next;
}
