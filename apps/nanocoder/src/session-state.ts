import type { ToolDefinition } from '@ctxkit/core';
import type { NanocoderMessage } from './types.js';

/** One compaction ctxkit made in this process. */
export interface CompactionRecord {
  /** `auto-compact` (Nanocoder's trigger after a reply), `request` (before a model call), `/compact`. */
  source: 'auto-compact' | 'request' | '/compact';
  before: number;
  after: number;
  /** What produced it, e.g. `summary by nanocoder-model`, `deterministic summary`. */
  producedBy: string;
  failures: string[];
  at: string;
}

/** A pin: a message kept verbatim by every compaction. */
export interface Pin {
  /** How the user named it (`last`, `#3`, `"text"`), for listing. */
  label: string;
  /** The pinned message itself (kept by identity while Nanocoder keeps it). */
  message?: NanocoderMessage;
  /** Or: any message whose text contains this. */
  text?: string;
}

/** How a line reaches the user: Nanocoder's chat (TUI) or stderr (headless). */
export type NoticeLevel = 'info' | 'warning' | 'error';
/** Where notices go: a function given the level and the one-line text. */
export type NoticeSink = (level: NoticeLevel, text: string) => void;

/**
 * What ctxkit remembers during one Nanocoder process: the compactions it made,
 * the windows providers reported, the user's pins, and where notices go.
 * One instance per process ({@link ctxkitSession}).
 */
export class CtxkitSessionState {
  readonly compactions: CompactionRecord[] = [];
  /** `provider\0model` → the window the provider reported when it rejected a request. */
  readonly learned = new Map<string, number>();
  readonly pins: Pin[] = [];
  /** The tool definitions of the last request (what `/compact` and `/ctxkit` count). */
  lastTools: ToolDefinition[] = [];
  /** Summary calls in progress through Nanocoder's client (they reach handleChat too: not a turn). */
  summarizing = 0;
  /** Whether the last request went to a local server (loopback address or a local provider). */
  local = false;
  /** Defaults to stderr; the runtime routes it into Nanocoder's chat in the TUI. */
  sink: NoticeSink = (level, text) =>
    process.stderr.write(`[ctxkit]${level === 'info' ? '' : ` ${level}:`} ${text}\n`);

  /** Runs one summary call, so the request it makes is known as one. */
  async summary<T>(call: () => Promise<T>): Promise<T> {
    this.summarizing++;
    try {
      return await call();
    } finally {
      this.summarizing--;
    }
  }

  /** Tells the user one line. Never throws. */
  notify(level: NoticeLevel, text: string): void {
    try {
      this.sink(level, text);
    } catch {
      process.stderr.write(`[ctxkit] ${text}\n`);
    }
  }

  /** Whether a message is pinned, by identity or by one of the pinned texts (plus `extra` texts). */
  isPinned(message: NanocoderMessage, extra: readonly string[] = []): boolean {
    const content = typeof message.content === 'string' ? message.content : '';
    for (const p of this.pins) {
      if (p.message === message) return true;
      if (p.text !== undefined && content.includes(p.text)) return true;
    }
    return extra.some((t) => content.includes(t));
  }

  /** The last compaction not yet stored with a call: the next turn's usage event carries it. */
  private unrecorded: CompactionRecord | undefined;

  /** The compaction the next turn's request carries (once), for its usage event. */
  takeCompaction(): CompactionRecord | undefined {
    const r = this.unrecorded;
    this.unrecorded = undefined;
    return r;
  }

  /** Records a compaction and tells the user one line about it. */
  compacted(record: Omit<CompactionRecord, 'at'>): void {
    const full = { ...record, at: new Date().toISOString() };
    this.compactions.push(full);
    this.unrecorded = full;
    this.notify('info', compactionLine(record));
    if (record.failures.length > 0) {
      this.notify(
        'warning',
        `summary model failed (${record.failures[0]}${record.failures.length > 1 ? `, +${record.failures.length - 1} more` : ''}); fell back to the deterministic summary`,
      );
    }
  }
}

/** `ctxkit compacted the context: 6,163 → 3,578 tokens (summary by …)`. */
export function compactionLine(r: Pick<CompactionRecord, 'before' | 'after' | 'producedBy'>): string {
  return `ctxkit compacted the context: ${r.before.toLocaleString('en-US')} → ${r.after.toLocaleString('en-US')} tokens (${r.producedBy})`;
}

let state: CtxkitSessionState | undefined;

/** The process-wide session state. */
export function ctxkitSession(): CtxkitSessionState {
  state ??= new CtxkitSessionState();
  return state;
}
