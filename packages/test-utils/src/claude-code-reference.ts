// The bill of Claude Code logs computed straight from their raw lines,
// with code that shares nothing with the tracker's importer, to check it (tests) and to print it beside
// ctxkit and ccusage (bench). One record per response (`message.id` + `requestId`) over all the files
// given, its last line's usage (the copy with the most output when several files hold it); Claude Code's
// own `<synthetic>` messages are not calls; a subagent's response embedded in its parent's log
// (`agent_progress`) is one too; prices per million tokens from Anthropic's price list, with
// 1-hour cache writes at 2x input and 5-minute ones at 1.25x.
import { readFileSync } from 'node:fs';

/** The four buckets of a bill (cache write includes its 1-hour part) and its cost. */
export interface ReferenceBill {
  calls: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  cacheWrite1h: number;
  /** USD; null when a call's model is not in the table below. */
  cost: number | null;
  /** Models seen, for explaining an unpriced cost. */
  models: string[];
}

export interface ReferenceResponse {
  key: string;
  sessionId: string;
  day: string;
  model: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  cacheWrite1h: number;
}

/** USD per million tokens: input, output, cache read, 5-minute write, 1-hour write. */
const PRICES: Record<string, [number, number, number, number, number]> = {
  'claude-opus-4-6': [5, 25, 0.5, 6.25, 10],
  'claude-sonnet-4-5': [3, 15, 0.3, 3.75, 6],
  'claude-haiku-4-5': [1, 5, 0.1, 1.25, 2],
};

function priceOf(r: ReferenceResponse): number | null {
  // A cloud route names the same model: `converse/`, a Bedrock region (`jp.anthropic.`), `-v1:0`.
  const bare = r.model
    .replace(/^.*\//, '')
    .replace(/^(?:[a-z]{2,4}\.)?anthropic\./, '')
    .replace(/-v\d+:\d+$/, '');
  const family = /^(claude-(?:opus|sonnet|haiku)-\d+-\d+)(?:-\d{8})?$/.exec(bare)?.[1];
  const p = family ? PRICES[family] : undefined;
  if (!p) return null;
  // Bedrock's geographic routes (`us.`, `eu.`, `jp.`, `apac.`, `au.`) cost 10 % more than the global
  // one for the 4.5 models (AWS price list, "regional endpoints").
  const geo = /(?:^|\/)(?:us|eu|jp|apac|au)\.anthropic\./.test(r.model) ? 1.1 : 1;
  const fiveMinute = r.cacheWrite - r.cacheWrite1h;
  return (
    (geo *
      (r.input * p[0] + r.output * p[1] + r.cacheRead * p[2] + fiveMinute * p[3] + r.cacheWrite1h * p[4])) /
    1e6
  );
}

const n = (v: unknown) => (typeof v === 'number' ? v : 0);

/** Every response of the files, one record each. */
export function referenceResponses(files: readonly string[]): ReferenceResponse[] {
  const byKey = new Map<string, ReferenceResponse>();
  for (const file of files) {
    for (const text of readFileSync(file, 'utf8').split('\n')) {
      let line: {
        type?: string;
        sessionId?: string;
        timestamp?: string;
        requestId?: string;
        message?: { id?: string; model?: string; usage?: Record<string, unknown> };
      };
      try {
        line = JSON.parse(text);
      } catch {
        continue;
      }
      // A subagent's response embedded in the parent log (`progress` / `agent_progress`) is a call too.
      const progress = (line as { data?: { type?: string; message?: typeof line } })?.data;
      if (line?.type === 'progress' && progress?.type === 'agent_progress' && progress.message) {
        line = { ...progress.message, sessionId: line.sessionId };
      }
      const u = line?.message?.usage;
      if (line?.type !== 'assistant' || !u || line.message?.model === '<synthetic>') continue;
      const key = `${line.message?.id}:${line.requestId}`;
      const creation = (u.cache_creation ?? {}) as Record<string, unknown>;
      const record: ReferenceResponse = {
        key,
        sessionId: String(line.sessionId),
        day: String(line.timestamp).slice(0, 10),
        model: String(line.message?.model),
        input: n(u.input_tokens),
        output: n(u.output_tokens),
        cacheRead: n(u.cache_read_input_tokens),
        cacheWrite: n(u.cache_creation_input_tokens),
        cacheWrite1h: n(creation.ephemeral_1h_input_tokens),
      };
      const seen = byKey.get(key);
      if (!seen) byKey.set(key, record);
      // The same response again (a later line of it, or a copy in another file): keep the first line's
      // day, take the fuller usage.
      else if (record.output >= seen.output) byKey.set(key, { ...record, day: seen.day });
    }
  }
  return [...byKey.values()];
}

/** Sums responses into bills keyed by `keyOf` (session id, day…). */
export function referenceBills(
  responses: readonly ReferenceResponse[],
  keyOf: (r: ReferenceResponse) => string,
): Map<string, ReferenceBill> {
  const bills = new Map<string, ReferenceBill>();
  for (const r of responses) {
    const key = keyOf(r);
    const b = bills.get(key) ?? {
      calls: 0,
      input: 0,
      output: 0,
      cacheRead: 0,
      cacheWrite: 0,
      cacheWrite1h: 0,
      cost: 0,
      models: [],
    };
    bills.set(key, b);
    b.calls++;
    b.input += r.input;
    b.output += r.output;
    b.cacheRead += r.cacheRead;
    b.cacheWrite += r.cacheWrite;
    b.cacheWrite1h += r.cacheWrite1h;
    const cost = priceOf(r);
    b.cost = b.cost === null || cost === null ? null : b.cost + cost;
    if (!b.models.includes(r.model)) b.models.push(r.model);
  }
  return bills;
}
