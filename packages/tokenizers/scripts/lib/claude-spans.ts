// Spans of Claude conversations with a provider-measured token count: the growth of
// `prompt_tokens` between two consecutive calls of one transcript. The system prompt
// and tool definitions (never recorded) are in both prompts and cancel out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { messageTexts, type Split } from './corpus.js';
import { claude2Counter } from './reference.js';

/** A usage record as in `*.usage.jsonl`. */
interface UsageLike {
  message_index: number;
  prompt_tokens: number;
  output_tokens?: number;
  raw?: Record<string, unknown>;
}

const num = (v: unknown) => (typeof v === 'number' ? v : 0);

/**
 * Whether call `b` reused the whole prompt of call `a` from the prompt cache. When it
 * did not, the prefix changed between the calls (edited or dropped content, a system
 * reminder, another model) and the difference is not the size of the added messages.
 * Records without cache fields are taken as they are.
 */
export function prefixReused(a: UsageLike, b: UsageLike): boolean {
  if (!a.raw || !b.raw || !('cache_read_input_tokens' in b.raw)) return true;
  const cachedBefore = num(a.raw.cache_read_input_tokens) + num(a.raw.cache_creation_input_tokens);
  return num(b.raw.cache_read_input_tokens) >= cachedBefore;
}

/** A transcript with its usage sidecar. */
export interface UsageTranscript {
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: loose message JSON
  messages: any[];
  usage: UsageLike[] | undefined;
}

/** One measured span. */
export interface Span {
  transcript: string;
  model: string;
  /** Index of the first message of the span (the assistant message call k produced). */
  from: number;
  /** One past the last message (the assistant message call k+1 produced). */
  to: number;
  /** Provider-measured tokens: prompt_tokens(k+1) − prompt_tokens(k). */
  actual: number;
  /** Every text of the span: content, tool-call names and arguments, tool results. */
  texts: string[];
  /** New API messages (consecutive tool results and user text merge into one user message). */
  messages: number;
  toolCalls: number;
  toolResults: number;
  split: Split;
}

/** Claude model of each transcript, from SOURCES.md (`mixed` when several). */
export function claudeModels(dir: string): Map<string, string> {
  const map = new Map<string, string>();
  let text = '';
  try {
    text = readFileSync(join(dir, 'SOURCES.md'), 'utf8');
  } catch {
    return map;
  }
  for (const line of text.split('\n')) {
    const m = /^\| `([^`]+)\.jsonl`[^|]*\|[^|]*\| ([^|]*) \|/.exec(line);
    if (!m) continue;
    const models = new Set(
      [...(m[2] as string).matchAll(/claude-(opus|sonnet|haiku)-(\d)-(\d)/g)].map(
        (x) => `${x[1]}-${x[2]}-${x[3]}`,
      ),
    );
    if (models.size === 1) map.set(m[1] as string, [...models][0] as string);
    else if (models.size > 1) map.set(m[1] as string, 'mixed');
  }
  return map;
}

const apiRole = (role: unknown) => (role === 'assistant' ? 'assistant' : 'user');

/** Every span of every Claude 4.x transcript with usage (mixed-model transcripts skipped). */
export function claudeSpans(transcripts: readonly UsageTranscript[], dir: string): Span[] {
  const models = claudeModels(dir);
  const spans: Span[] = [];
  for (const t of transcripts) {
    const model = models.get(t.name);
    if (!model || model === 'mixed' || !t.usage) continue;
    for (let k = 0; k + 1 < t.usage.length; k++) {
      const a = t.usage[k] as UsageLike;
      const b = t.usage[k + 1] as UsageLike;
      const actual = b.prompt_tokens - a.prompt_tokens;
      // A drop means compaction or a cache/model switch: not a clean difference.
      if (!(b.message_index > a.message_index) || actual <= 0 || !prefixReused(a, b)) continue;
      const msgs = t.messages.slice(a.message_index, b.message_index);
      // The span opens with the assistant message call k produced: its reported output
      // far above what its recorded text can hold means thinking the transcript dropped.
      // Bound: 1.3 × its Claude-2 count + 50 per tool call + 30 (fixed, not fitted).
      const producedMsg = t.messages[a.message_index];
      const bound =
        1.3 * messageTexts(producedMsg).reduce((n, x) => n + claude2Counter(x), 0) +
        50 * (producedMsg?.tool_calls?.length ?? 0) +
        30;
      if (typeof a.output_tokens === 'number' && a.output_tokens > bound) continue;
      let messages = 0;
      let prev = apiRole(t.messages[a.message_index - 1]?.role);
      let toolCalls = 0;
      let toolResults = 0;
      for (const m of msgs) {
        const role = apiRole(m.role);
        if (role !== prev) messages++;
        prev = role;
        toolCalls += m.tool_calls?.length ?? 0;
        if (m.role === 'tool') toolResults++;
      }
      spans.push({
        transcript: t.name,
        model,
        from: a.message_index,
        to: b.message_index,
        actual,
        texts: msgs.flatMap(messageTexts),
        messages,
        toolCalls,
        toolResults,
        split: 'dev',
      });
    }
  }
  // Held out: every other span of each model, in transcript order (clean spans are few,
  // so a stratified split keeps every model in both halves).
  const seen = new Map<string, number>();
  for (const s of spans) {
    const i = seen.get(s.model) ?? 0;
    seen.set(s.model, i + 1);
    s.split = i % 2 === 1 ? 'test' : 'dev';
  }
  return spans;
}
