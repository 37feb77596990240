import { CtxkitError, checkOptionKeys, type Tokenizer } from '@ctxkit/core';
import { type ChatRequest, type ChatResponse, Ollama } from 'ollama';
import { garbageReason } from './summary-garbage.js';
import {
  flattenSummary,
  lengthInstruction,
  type ReplyCaps,
  replyCaps,
  SUMMARY_SYSTEM_PROMPT as SYSTEM_PROMPT,
  summaryTranscript,
  summaryUserPrompt,
} from './summary-prompt.js';
import type { Summarizer, SummaryRequest } from './types.js';

// A misspelt option (`timeOutMs`) is an error: the default 60 s would silently apply to a hung server.
const OLLAMA_OPTION_KEYS = {
  host: true,
  model: true,
  numCtx: true,
  maxNumCtx: true,
  timeoutMs: true,
  keepAlive: true,
  tokenizer: true,
  fetch: true,
  temperature: true,
  stream: true,
} satisfies Record<keyof OllamaSummarizerOptions, true>;

/** Options of {@link OllamaSummarizer}. */
export interface OllamaSummarizerOptions {
  /**
   * Ollama server.
   * @default 'http://127.0.0.1:11434'
   */
  host?: string;
  /** Model to summarize with, e.g. `qwen2.5:7b`. */
  model: string;
  /**
   * Context length sent as `options.num_ctx` with every request (Ollama ignores the model's real
   * window otherwise and silently truncates).
   * @default read through `/api/show`: the model's `num_ctx` parameter, else its
   * `<arch>.context_length` capped at `maxNumCtx`
   */
  numCtx?: number;
  /**
   * Cap on a context length read from `/api/show` (large KV caches are slow).
   * @default 32768
   */
  maxNumCtx?: number;
  /**
   * Deadline for one `summarize` call, all requests included, in milliseconds: the call rejects
   * with a `SUMMARIZER_FAILED` error (`details.reason: 'timeout'`) when it is reached, whatever
   * the server does.
   * @default 60000
   */
  timeoutMs?: number;
  /**
   * Ollama's `keep_alive` (how long the model stays loaded), e.g. `'5m'` or seconds.
   * @default undefined (not sent: the server's own setting applies)
   */
  keepAlive?: string | number;
  /**
   * Counts prompts the way the model does.
   * @default the tokenizer of the summarize request
   */
  tokenizer?: Tokenizer;
  /**
   * A custom fetch (proxies, tests); the summarizer gives every call its own abort signal.
   * @default the global `fetch`
   */
  fetch?: typeof fetch;
  /**
   * Sampling temperature.
   * @default 0.2
   */
  temperature?: number;
  /**
   * Whether to ask for a streamed reply (NDJSON). A streamed reply is cut the moment it passes
   * its cap; a non-streamed one is cut by size on the wire.
   * @default true
   */
  stream?: boolean;
}

/** What the last {@link OllamaSummarizer.summarize} call cost and noticed. */
export interface OllamaSummaryStats {
  /** Chat requests sent. */
  requests: number;
  /** Sum of `prompt_eval_count` over the requests. */
  promptEvalCount: number;
  /** Sum of our own prompt counts over the requests. */
  promptTokens: number;
  /** Sum of `eval_count` (generated tokens). */
  evalCount: number;
  /** Requests whose `prompt_eval_count` revealed silent truncation. */
  truncations: number;
  /** The `num_ctx` sent. */
  numCtx: number;
  /** The window the call planned its requests for: `numCtx`, or less while a smaller one is learned. */
  window: number;
}

/** Budgets below this cannot hold a summary worth a model call; the deterministic summary does better. */
const MIN_SUMMARY_TOKENS = 128;
/** A learned window never goes below this, so a learned value can never stop every request. */
const MIN_WINDOW = 2048;

/** Why a call failed, in `details.reason` of its `SUMMARIZER_FAILED` error. */
type FailureReason =
  | 'timeout'
  | 'aborted'
  | 'unreachable'
  | 'http'
  | 'context-overflow'
  | 'truncated'
  | 'reply-too-long'
  | 'stream-cut'
  | 'empty'
  | 'garbage'
  | 'not-smaller'
  | 'budget-too-small'
  | 'window-too-small';

function failed(
  reason: FailureReason,
  message: string,
  details: Record<string, unknown> = {},
  cause?: unknown,
): CtxkitError {
  return new CtxkitError('SUMMARIZER_FAILED', message, { reason, ...details }, { cause });
}

/** The error text an Ollama `ResponseError` carries, unwrapped when the runner's JSON is inside. */
function serverMessage(error: { message: string }): { text: string; nCtx?: number } {
  const text = error.message;
  try {
    const inner = JSON.parse(text) as { error?: { message?: unknown; n_ctx?: unknown } };
    const message = typeof inner.error?.message === 'string' ? inner.error.message : text;
    return typeof inner.error?.n_ctx === 'number'
      ? { text: message, nCtx: inner.error.n_ctx }
      : { text: message };
  } catch {
    const stated = /context (?:size|length|window)[^0-9]{0,40}(\d+)\s*tokens/i.exec(text);
    return stated ? { text, nCtx: Number(stated[1]) } : { text };
  }
}

const OVERFLOW =
  /exceed\w*[^.]{0,40}context|context[^.]{0,40}exceed|longer than the context|exceed_context_size/i;

/**
 * One summarize call's deadline and abort: a timer of our own (Node 20 can collect an
 * `AbortSignal.timeout` combined through `AbortSignal.any` and never fire it) and the caller's
 * signal, both forwarded to one controller; `dispose` clears the timer and the listener.
 */
class CallScope {
  readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onOuter: () => void;

  constructor(
    timeoutMs: number,
    private readonly outer: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(
      () =>
        this.abort(
          failed('timeout', `Ollama timed out: no complete reply within ${timeoutMs} ms`, { timeoutMs }),
        ),
      timeoutMs,
    );
    this.onOuter = () =>
      this.abort(failed('aborted', 'summarize was aborted by its caller', {}, outer?.reason));
    if (outer?.aborted) this.onOuter();
    else outer?.addEventListener('abort', this.onOuter, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  abort(reason: CtxkitError): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** The typed reason when the call was aborted, else `undefined`. */
  get reason(): CtxkitError | undefined {
    const r: unknown = this.controller.signal.aborted ? this.controller.signal.reason : undefined;
    return r instanceof CtxkitError ? r : undefined;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onOuter);
  }
}

/**
 * Summarizes with a local model through the official `ollama` client.
 *
 * - Sends `num_ctx` (constant, so the model is not reloaded) and `truncate: false` with every
 *   request, and splits the region so each request stays within half of the window (chunks are
 *   summarized in order, each updating the summary so far).
 * - The history and any previous summary go in as escaped DATA; the reply must UPDATE the
 *   previous summary, and one that nests it anyway is flattened (one section per heading).
 * - Every call is bounded: `timeoutMs` by a timer of its own, the reply by
 *   `2 × maxTokens + 256` tokens (and `num_predict`), checked while it streams.
 * - One attempt per call: any failure rejects with `CtxkitError('SUMMARIZER_FAILED')` whose
 *   `details.reason` is one of `timeout`, `aborted`, `unreachable`, `http` (with `status`),
 *   `context-overflow` (with `status`), `truncated`, `reply-too-long`, `stream-cut`, `empty`, `garbage`,
 *   `not-smaller`, `budget-too-small` (a `maxTokens` under 128; no request is sent) or
 *   `window-too-small`; the compressor decides whether to try again or fall back.
 *
 * Learning the server's window — evidence, not a ratchet:
 * - Ollama's explicit overflow error (what `truncate: false` gets from current servers) that
 *   states the context size sets the window to it; that is the server's word and is kept.
 * - A `prompt_eval_count` under 60 % of the tokens Ollama could not have had cached (the prompt
 *   minus the system prompt and what it shares with our previous request: Ollama counts only
 *   what it evaluates anew) means silent truncation by an older server. The call fails
 *   (`truncated`) and the window becomes the evaluated count — a hypothesis, never below
 *   2 048 tokens, doubled back toward `num_ctx` by each successful call, so one misleading
 *   count costs one call.
 * - An overflow error without a size halves the window, as a hypothesis too.
 */
export class OllamaSummarizer implements Summarizer {
  readonly name: string;
  /** Figures of the last call, for inspection. */
  lastStats: OllamaSummaryStats | undefined;
  private readonly host: string;
  private readonly model: string;
  private readonly timeoutMs: number;
  private readonly maxNumCtx: number;
  private numCtx: number | undefined;
  /** A smaller window than `numCtx`, learned from the server. */
  private learned: { window: number; stated: boolean } | undefined;
  /** The last prompt sent, to tell what Ollama may have served from its prefix cache. */
  private lastPrompt = '';

  /**
   * @param options - the model, and how to reach and bound it.
   * @example
   * const summarizer = new OllamaSummarizer({ model: 'qwen2.5:7b', timeoutMs: 30_000 });
   * const compressor = new ContextCompressor({ summarizer });
   */
  constructor(private readonly options: OllamaSummarizerOptions) {
    if (!options || typeof options.model !== 'string' || options.model.length === 0) {
      throw new CtxkitError('INVALID_ARGUMENT', 'OllamaSummarizer needs a model name');
    }
    checkOptionKeys(options, OLLAMA_OPTION_KEYS, 'OllamaSummarizer options');
    this.host = options.host ?? 'http://127.0.0.1:11434';
    this.model = options.model;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.maxNumCtx = options.maxNumCtx ?? 32_768;
    this.numCtx = options.numCtx;
    this.name = `ollama:${options.model}`;
  }

  /** A client whose every request uses the call's signal and whose replies are capped on the wire. */
  private client(scope: CallScope, maxBytes: number): Ollama {
    const base = this.options.fetch ?? fetch;
    const capped: typeof fetch = async (input, init) => {
      const response = await base(input, { ...init, signal: scope.signal });
      if (!response.body) return response;
      let bytes = 0;
      const counter = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, out) {
          bytes += chunk.byteLength;
          if (bytes > maxBytes) {
            const error = failed(
              'reply-too-long',
              `Ollama's reply passed its cap of ${maxBytes} bytes on the wire`,
              { maxBytes },
            );
            scope.abort(error);
            out.error(error);
            return;
          }
          out.enqueue(chunk);
        },
      });
      return new Response(response.body.pipeThrough(counter), {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    };
    return new Ollama({ host: this.host, fetch: capped });
  }

  /**
   * The context length to send: the option, else read once through `/api/show`.
   * @param signal - aborts the lookup; it is bounded by `timeoutMs` in any case.
   */
  async contextLength(signal?: AbortSignal): Promise<number> {
    if (this.numCtx !== undefined) return this.numCtx;
    const scope = new CallScope(this.timeoutMs, signal);
    try {
      return await this.readContextLength(scope);
    } finally {
      scope.dispose();
    }
  }

  private async readContextLength(scope: CallScope): Promise<number> {
    if (this.numCtx !== undefined) return this.numCtx;
    const info = await this.guard(scope, () =>
      this.client(scope, 16 * 1024 * 1024).show({ model: this.model }),
    );
    const params = /(?:^|\n)\s*num_ctx\s+(\d+)/.exec(info.parameters ?? '');
    let fromModel: number | undefined;
    const modelInfo = (info.model_info ?? {}) as unknown as Record<string, unknown>;
    const entries = modelInfo instanceof Map ? [...modelInfo] : Object.entries(modelInfo);
    for (const [k, v] of entries)
      if (String(k).endsWith('.context_length') && typeof v === 'number') fromModel = v;
    const n = params
      ? Number(params[1])
      : fromModel !== undefined
        ? Math.min(fromModel, this.maxNumCtx)
        : 4096;
    this.numCtx = n;
    return n;
  }

  /** Summarizes the request's region (and previous summary) into one summary text. */
  async summarize(request: SummaryRequest): Promise<string> {
    if (!(request.maxTokens >= MIN_SUMMARY_TOKENS)) {
      throw failed(
        'budget-too-small',
        `a summary budget of ${request.maxTokens} tokens is too small for a model summary (at least ${MIN_SUMMARY_TOKENS})`,
        { maxTokens: request.maxTokens },
      );
    }
    const scope = new CallScope(this.timeoutMs, request.signal);
    try {
      const tokenizer = this.options.tokenizer ?? request.tokenizer;
      const numCtx = await this.readContextLength(scope);
      const stats: OllamaSummaryStats = {
        requests: 0,
        promptEvalCount: 0,
        promptTokens: 0,
        evalCount: 0,
        truncations: 0,
        numCtx,
        window: Math.min(numCtx, this.learned?.window ?? numCtx),
      };
      this.lastStats = stats;
      const summary = await this.rolling(request, tokenizer, numCtx, stats, scope);
      this.succeeded(numCtx);
      return summary;
    } finally {
      scope.dispose();
    }
  }

  /** A successful call doubles a hypothetical learned window back toward `num_ctx`. */
  private succeeded(numCtx: number): void {
    if (!this.learned || this.learned.stated) return;
    const next = this.learned.window * 2;
    this.learned = next >= numCtx ? undefined : { window: next, stated: false };
  }

  /** A stated window is the server's word; a guessed one never goes below {@link MIN_WINDOW}. */
  private learn(window: number, stated: boolean): void {
    this.learned = { window: stated ? Math.floor(window) : Math.max(MIN_WINDOW, Math.floor(window)), stated };
  }

  private async rolling(
    request: SummaryRequest,
    tokenizer: Tokenizer,
    numCtx: number,
    stats: OllamaSummaryStats,
    scope: CallScope,
  ): Promise<string> {
    const overhead =
      tokenizer.countTokens(SYSTEM_PROMPT) + tokenizer.countTokens(lengthInstruction(request.maxTokens)) + 64;
    const caps = replyCaps(request.maxTokens);
    let summary = request.previousSummary ? flattenSummary(request.previousSummary) : '';
    // A learned window that cannot hold this call's frame is set aside rather than blocking
    // the request: a request is always sent unless num_ctx itself is too small.
    let window = stats.window;
    const numPredictFor = (w: number) =>
      Math.max(64, Math.min(Math.ceil(request.maxTokens * 1.5) + 32, caps.tokens, Math.floor(w * 0.25)));
    const roomFor = (w: number) => Math.floor(w * 0.5) - overhead - tokenizer.countTokens(summary);
    if (window < numCtx && !this.learned?.stated && roomFor(window) < 64) window = numCtx;
    stats.window = window;
    const numPredict = numPredictFor(window);
    const lines = summaryTranscript(request.messages);
    let i = 0;
    while (i < lines.length) {
      // Room for data in this request: half the window minus the frame and the summary so far.
      const room = roomFor(window);
      if (room < 64)
        throw failed('window-too-small', `num_ctx ${window} is too small to summarize in`, { window });
      const chunk: string[] = [];
      let used = 0;
      while (i < lines.length) {
        let line = lines[i]!;
        let n = tokenizer.countTokens(line) + 2;
        if (n > room) {
          // One message bigger than a request: keep its head and tail.
          const keep = Math.max(200, Math.floor((line.length * room) / n / 2) - 40);
          line = `${line.slice(0, keep)}\n[… ${line.length - 2 * keep} characters omitted …]\n${line.slice(-keep)}`;
          n = tokenizer.countTokens(line) + 2;
        }
        if (used + n > room && chunk.length > 0) break;
        chunk.push(line);
        used += n;
        i++;
      }
      const data = chunk.join('\n\n');
      const raw = await this.request(
        request.maxTokens,
        summary,
        data,
        tokenizer,
        numCtx,
        window,
        numPredict,
        caps,
        stats,
        scope,
      );
      // Reject noise before counting it (some tokenizers are slow on long runs of symbols).
      const bad = garbageReason(raw);
      if (bad) throw failed(bad === 'empty' ? 'empty' : 'garbage', `Ollama returned ${bad}`, { detail: bad });
      const next = flattenSummary(raw);
      const input = tokenizer.countTokens(data) + tokenizer.countTokens(summary);
      const output = tokenizer.countTokens(next);
      if (output >= input) {
        throw failed(
          'not-smaller',
          `Ollama's summary is not smaller than its input (${output} ≥ ${input} tokens)`,
          {
            output,
            input,
          },
        );
      }
      summary = next;
    }
    return summary;
  }

  /** Runs one client operation, turning whatever it throws into a typed failure. */
  private async guard<T>(scope: CallScope, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      throw this.typed(error, scope);
    }
  }

  private typed(error: unknown, scope: CallScope): CtxkitError {
    // An abort (timer, caller, cap) surfaces as whatever the aborted stream threw: the scope knows why.
    const aborted = scope.reason;
    if (aborted) return aborted;
    if (error instanceof CtxkitError) return error;
    const e = error as { name?: string; message?: string; status_code?: unknown; cause?: { code?: unknown } };
    if (e?.name === 'ResponseError' && typeof e.status_code === 'number') {
      const { text, nCtx } = serverMessage({ message: String(e.message ?? '') });
      if (OVERFLOW.test(text)) {
        return failed(
          'context-overflow',
          `Ollama answered HTTP ${e.status_code}: ${text}`,
          {
            status: e.status_code,
            ...(nCtx !== undefined ? { nCtx } : {}),
          },
          error,
        );
      }
      return failed(
        'http',
        `Ollama answered HTTP ${e.status_code}: ${text}`,
        { status: e.status_code },
        error,
      );
    }
    const message = String(e?.message ?? error);
    const code = typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
    if (
      message === 'fetch failed' &&
      code &&
      /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|EAI_AGAIN/.test(code)
    ) {
      return failed('unreachable', `Ollama is unreachable at ${this.host}: ${code}`, { code }, error);
    }
    return failed(
      'stream-cut',
      `Ollama's reply stream broke off: ${message}${code ? ` (${code})` : ''}`,
      code ? { code } : {},
      error,
    );
  }

  private async request(
    maxTokens: number,
    previous: string,
    data: string,
    tokenizer: Tokenizer,
    numCtx: number,
    window: number,
    numPredict: number,
    caps: ReplyCaps,
    stats: OllamaSummaryStats,
    scope: CallScope,
  ): Promise<string> {
    const user = summaryUserPrompt(previous, data, maxTokens);
    const systemTokens = tokenizer.countTokens(SYSTEM_PROMPT);
    const sent = systemTokens + tokenizer.countTokens(user) + 12;
    const prompt = `${SYSTEM_PROMPT}\n${user}`;
    let shared = 0;
    while (
      shared < prompt.length &&
      shared < this.lastPrompt.length &&
      prompt[shared] === this.lastPrompt[shared]
    )
      shared++;
    this.lastPrompt = prompt;
    const cachedAtMost = Math.max(
      systemTokens,
      shared > 0 ? tokenizer.countTokens(prompt.slice(0, shared)) : 0,
    );
    const client = this.client(scope, caps.bytes);
    // `truncate: false` makes current servers answer an overflow with an error instead of
    // cutting the prompt; older ones ignore it (the client passes it through as sent).
    const chat: ChatRequest & { truncate: boolean } = {
      model: this.model,
      truncate: false,
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: user },
      ],
      options: { num_ctx: numCtx, num_predict: numPredict, temperature: this.options.temperature ?? 0.2 },
    };
    if (this.options.keepAlive !== undefined) chat.keep_alive = this.options.keepAlive;
    stats.requests++;
    stats.promptTokens += sent;
    const tooLong = (tokens: number) =>
      failed(
        'reply-too-long',
        `Ollama's reply passed its cap of ${caps.tokens} tokens (2 × maxTokens ${maxTokens} + 256)`,
        { capTokens: caps.tokens, tokens, maxTokens },
      );
    let text = '';
    let final: ChatResponse | undefined;
    try {
      if (this.options.stream === false) {
        final = await client.chat({ ...chat, stream: false });
        text = final.message?.content ?? '';
        if (text.length > caps.chars || tokenizer.countTokens(text) > caps.tokens)
          throw tooLong(caps.tokens + 1);
      } else {
        const stream = await client.chat({ ...chat, stream: true });
        let tokens = 0;
        for await (const part of stream) {
          const piece = part.message?.content ?? '';
          text += piece;
          // Pieces are one token each from a real server; summing their counts costs O(reply).
          if (piece.length > 0)
            tokens += text.length > caps.chars ? caps.tokens + 1 : tokenizer.countTokens(piece);
          if (tokens > caps.tokens) {
            const error = tooLong(tokens);
            scope.abort(error);
            throw error;
          }
          if (part.done) final = part;
        }
      }
    } catch (error) {
      const typed = this.typed(error, scope);
      if (typed.details?.reason === 'context-overflow') {
        const stated = typeof typed.details.nCtx === 'number' ? typed.details.nCtx : undefined;
        this.learn(stated ?? window / 2, stated !== undefined);
      }
      throw typed;
    }
    if (!final) throw failed('stream-cut', 'Ollama stream ended before its final chunk');
    stats.promptEvalCount += final.prompt_eval_count ?? 0;
    stats.evalCount += final.eval_count ?? 0;
    if (final.done_reason === 'length') {
      throw failed('reply-too-long', `Ollama stopped at num_predict ${numPredict}: the summary is cut off`, {
        numPredict,
      });
    }
    // Counts from different vocabularies differ by up to ~30 %; a cut prompt differs by far more.
    // Ollama does not count a prefix it reused from its cache, so only the rest is expected.
    const fresh = sent - cachedAtMost;
    const evaluated = final.prompt_eval_count;
    if (typeof evaluated === 'number' && fresh > 64 && evaluated < fresh * 0.6) {
      stats.truncations++;
      this.learn(Math.min(window, evaluated + cachedAtMost), false);
      throw failed(
        'truncated',
        `Ollama evaluated ${evaluated} of ${sent} prompt tokens: the prompt was silently truncated`,
        { promptEvalCount: evaluated, sent, numCtx },
      );
    }
    return text.trim();
  }
}
