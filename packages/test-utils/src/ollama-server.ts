// A real HTTP server on 127.0.0.1 that speaks Ollama's /api/show and streamed /api/chat (NDJSON,
// final `done` chunk with counts), with fault modes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Loopback, listenLoopback, readBody } from './loopback.js';

/** How the server misbehaves. */
export type OllamaFault = 'none' | 'http500' | 'slow' | 'cut' | 'garbage' | 'longer' | 'truncate' | 'empty';

/** One /api/chat request the server received. */
export interface SeenChat {
  body: {
    model: string;
    stream?: boolean;
    keep_alive?: string | number;
    options?: { num_ctx?: number; num_predict?: number };
    messages: { role: string; content: string }[];
  };
  promptTokens: number;
  /** Whether the client went away before the response ended. */
  aborted: boolean;
}

/** What the server counts prompt tokens with (a ctxkit `Tokenizer` is one). */
export interface TextCounter {
  countTokens(text: string): number;
}

/** Options of {@link startOllama}. */
export interface FakeOllamaOptions {
  tokenizer: TextCounter;
  fault?: OllamaFault;
  /** `num_ctx` line in /api/show `parameters`, when set. */
  paramNumCtx?: number;
  /** `<arch>.context_length` in /api/show `model_info`. Default 32768. */
  contextLength?: number;
  /** For `truncate`: the window the server really uses (prompt_eval_count never exceeds it). */
  realCtx?: number;
}

/** A running fake. */
export interface FakeOllama {
  url: string;
  chats: SeenChat[];
  shows: number;
  fault: OllamaFault;
  close(): Promise<void>;
}

/** A plausible summary of the prompt: the user lines of the transcript, shortened. */
function summaryOf(prompt: string): string {
  const users = prompt
    .split('\n')
    .filter((l) => l.startsWith('[user]'))
    .map((l) => `- ${l.slice(7, 120)}`)
    .slice(0, 5);
  return `## Objective\nThe session continues the user's coding task.\n## User requirements and constraints\n${users.join('\n') || '- none stated'}\n## Current state and next step\nWork is in progress; continue from the latest message.`;
}

function chunk(content: string, done: false): string;
function chunk(content: string, done: true, extra: Record<string, number>): string;
function chunk(content: string, done: boolean, extra: Record<string, number> = {}): string {
  const base = {
    model: 'qwen2.5:7b',
    created_at: new Date().toISOString(),
    message: { role: 'assistant', content },
    done,
  };
  return `${JSON.stringify(done ? { ...base, done_reason: 'stop', ...extra } : base)}\n`;
}

/** Starts the fake on 127.0.0.1, port 0. */
export async function startOllama(options: FakeOllamaOptions): Promise<FakeOllama> {
  const timers = new Set<NodeJS.Timeout>();
  let loopback: Loopback | undefined;
  const state: FakeOllama = {
    url: '',
    chats: [],
    shows: 0,
    fault: options.fault ?? 'none',
    close: async () => {
      for (const t of timers) clearTimeout(t);
      await loopback?.close();
    },
  };
  const wait = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(() => {
        timers.delete(t);
        r();
      }, ms);
      timers.add(t);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    if (req.url === '/api/show') {
      state.shows++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          license: '',
          modelfile: '',
          parameters: options.paramNumCtx
            ? `num_ctx                        ${options.paramNumCtx}\nstop "<|im_end|>"`
            : 'stop "<|im_end|>"',
          template: '',
          details: { family: 'qwen2', parameter_size: '7.6B', quantization_level: 'Q4_K_M' },
          model_info: {
            'general.architecture': 'qwen2',
            'qwen2.context_length': options.contextLength ?? 32768,
          },
          capabilities: ['completion'],
        }),
      );
      return;
    }
    if (req.url !== '/api/chat') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not found' }));
      return;
    }
    const parsed = JSON.parse(body) as SeenChat['body'];
    const prompt = parsed.messages.map((m) => m.content).join('\n');
    const promptTokens = parsed.messages.reduce((s, m) => s + options.tokenizer.countTokens(m.content), 0);
    const seen: SeenChat = { body: parsed, promptTokens, aborted: false };
    state.chats.push(seen);
    res.on('close', () => {
      if (!res.writableFinished) seen.aborted = true;
    });
    if (state.fault === 'http500') {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'llama runner process has terminated: exit status 2' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    let text = summaryOf(prompt);
    if (state.fault === 'garbage') text = '\u0000\u0003@@##$$%%^^&&**\ufffd\ufffd'.repeat(20);
    if (state.fault === 'longer') text = `${prompt}\n${prompt}`;
    if (state.fault === 'empty') text = '';
    const parts = text.match(/[\s\S]{1,80}/g) ?? [];
    for (const [k, part] of parts.entries()) {
      if (res.destroyed) return;
      res.write(chunk(part, false));
      if (state.fault === 'cut' && k === 1) {
        res.socket?.destroy();
        return;
      }
      if (state.fault === 'slow') await wait(400);
    }
    let evaluated = promptTokens;
    if (state.fault === 'truncate') evaluated = Math.min(promptTokens, options.realCtx ?? 1024);
    res.end(
      chunk('', true, {
        total_duration: 1_500_000_000,
        load_duration: 20_000_000,
        prompt_eval_count: evaluated,
        prompt_eval_duration: 900_000_000,
        eval_count: Math.ceil(text.length / 4),
        eval_duration: 580_000_000,
      }),
    );
  };

  loopback = await listenLoopback((req, res) => handle(req, res).catch(() => res.destroy()));
  state.url = loopback.url;
  return state;
}

/** A loopback URL nobody listens on (a server is opened, its port noted, and closed). */
export async function refusedUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}
