/**
 * A loopback OpenAI-compatible chat server (node:http on 127.0.0.1)
 * that replays scripted model turns as streamed SSE, the way the AI SDK's
 * openai-compatible provider reads them, and REJECTS any request larger than a
 * small context window, the way llama.cpp / a small local model fails.
 */
import type { ServerResponse } from 'node:http';
import { listenLoopback } from './loopback.js';

/** One scripted assistant turn. */
export type ScriptedTurn =
  | { kind: 'tool'; calls: Array<{ name: string; arguments: Record<string, unknown> }> }
  | { kind: 'text'; text: string };

/** What the server saw for one request. */
export interface SeenRequest {
  tokens: number;
  messages: number;
  tools: number;
  rejected: boolean;
  kind: 'turn' | 'summary' | 'other';
  /** Tool-call pairing defects in the request (duplicate / orphan / unanswered ids); `[]` when clean. */
  pairing: string[];
  /** Every message text and tool-call argument of the request, joined (what the model could see). */
  text: string;
  /** `performance.now()` when the request arrived and when its answer was complete. */
  receivedAt: number;
  answeredAt?: number;
}

/**
 * What a strict provider (OpenAI, Anthropic) rejects in a request: a tool-call
 * id called twice, answered twice, answered without a call, or left unanswered.
 */
export function toolPairingProblems(body: OpenAIRequest): string[] {
  const problems: string[] = [];
  const called = new Set<string>();
  const answered = new Set<string>();
  for (const m of body.messages) {
    for (const c of m.tool_calls ?? []) {
      if (called.has(c.id)) problems.push(`duplicate call ${c.id}`);
      called.add(c.id);
    }
    if (m.role === 'tool') {
      const id = m.tool_call_id ?? '';
      if (!called.has(id)) problems.push(`orphan result ${id}`);
      else if (answered.has(id)) problems.push(`duplicate result ${id}`);
      answered.add(id);
    }
  }
  for (const id of called) if (!answered.has(id)) problems.push(`unanswered call ${id}`);
  return problems;
}

/** Options for {@link startScriptedServer}. */
export interface ScriptedServerOptions {
  turns: ScriptedTurn[];
  /** Requests counted above this are rejected with HTTP 400. */
  contextLimit: number;
  /** Counts a request body's prompt tokens (the "model's" own count). */
  countRequest: (body: OpenAIRequest) => number;
  /** Reply to a summarization request (a request without tools whose system prompt asks for a summary). */
  summary?: string | ((request: OpenAIRequest) => string);
  /** Computes the model's turn from the request it received (instead of `turns`). */
  respond?: (body: OpenAIRequest, turn: number) => ScriptedTurn | undefined;
  /** How summarization requests fail: HTTP 500, never answered, or a garbage reply. */
  summaryFault?: 'error' | 'hang' | 'garbage';
  model: string;
}

/** The parts of an OpenAI chat request the server reads. */
export interface OpenAIRequest {
  model: string;
  messages: Array<{
    role: string;
    content: string | null | Array<{ type: string; text?: string }>;
    tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
    tool_call_id?: string;
  }>;
  tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters?: unknown } }>;
  stream?: boolean;
}

/** A running server. */
export interface ScriptedServer {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

function sse(res: ServerResponse, data: unknown): void {
  res.write(`data: ${JSON.stringify(data)}\n\n`);
}

/** Starts the server on an ephemeral 127.0.0.1 port. */
export async function startScriptedServer(options: ScriptedServerOptions): Promise<ScriptedServer> {
  const seen: SeenRequest[] = [];
  let next = 0;
  let callId = 0;
  const loopback = await listenLoopback((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    const receivedAt = performance.now();
    res.on('finish', () => {
      const r = seen.find((x) => x.receivedAt === receivedAt);
      if (r) r.answeredAt = performance.now();
    });
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OpenAIRequest;
      const tokens = options.countRequest(body);
      const system = body.messages.find((m) => m.role === 'system');
      const systemText = typeof system?.content === 'string' ? system.content : '';
      const isSummary = (body.tools ?? []).length === 0 && /compact|summar/i.test(systemText.slice(0, 200));
      const record: SeenRequest = {
        tokens,
        messages: body.messages.length,
        tools: body.tools?.length ?? 0,
        rejected: tokens > options.contextLimit,
        kind: isSummary ? 'summary' : 'turn',
        pairing: toolPairingProblems(body),
        receivedAt,
        text: body.messages
          .map(
            (m) =>
              `${typeof m.content === 'string' ? m.content : (m.content ?? []).map((p) => p.text ?? '').join('')}${(m.tool_calls ?? []).map((c) => c.function.arguments).join('')}`,
          )
          .join('\n'),
      };
      seen.push(record);
      if (record.pairing.length > 0) {
        // A strict provider's answer to a broken tool-call history.
        record.rejected = true;
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: {
              message: `invalid tool call history: ${record.pairing.join(', ')}`,
              type: 'invalid_request_error',
            },
          }),
        );
        return;
      }
      if (record.rejected) {
        // llama.cpp's answer to an over-long prompt.
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: {
              code: 400,
              message: `the request exceeds the available context size (${tokens} tokens > ${options.contextLimit}), try increasing it`,
              type: 'exceed_context_size_error',
              n_prompt_tokens: tokens,
              n_ctx: options.contextLimit,
            },
          }),
        );
        return;
      }
      if (isSummary && options.summaryFault === 'error') {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'summary model crashed', type: 'server_error' } }));
        return;
      }
      if (isSummary && options.summaryFault === 'hang') return; // never answers; the client must give up
      const summaryText =
        options.summaryFault === 'garbage'
          ? '\u0000\u0000 }}}{{{ ###'
          : typeof options.summary === 'function'
            ? options.summary(body)
            : (options.summary ?? '## Context\nSummary.');
      const turn: ScriptedTurn | undefined = isSummary
        ? { kind: 'text', text: summaryText }
        : options.respond
          ? options.respond(body, next++)
          : options.turns[next++];
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const base = {
        id: `chatcmpl-${seen.length}`,
        object: 'chat.completion.chunk',
        created: 1,
        model: options.model,
      };
      let completion = 0;
      if (turn === undefined) {
        sse(res, {
          ...base,
          choices: [{ index: 0, delta: { role: 'assistant', content: 'Done.' }, finish_reason: null }],
        });
        sse(res, { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
        completion = 2;
      } else if (turn.kind === 'text') {
        const words = turn.text.split(/(?<= )/);
        sse(res, {
          ...base,
          choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
        });
        for (const w of words)
          sse(res, { ...base, choices: [{ index: 0, delta: { content: w }, finish_reason: null }] });
        sse(res, { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
        completion = words.length;
      } else {
        turn.calls.forEach((call, index) => {
          const id = `call_${++callId}`;
          const args = JSON.stringify(call.arguments);
          sse(res, {
            ...base,
            choices: [
              {
                index: 0,
                delta: {
                  ...(index === 0 ? { role: 'assistant', content: null } : {}),
                  tool_calls: [{ index, id, type: 'function', function: { name: call.name, arguments: '' } }],
                },
                finish_reason: null,
              },
            ],
          });
          sse(res, {
            ...base,
            choices: [
              {
                index: 0,
                delta: { tool_calls: [{ index, function: { arguments: args } }] },
                finish_reason: null,
              },
            ],
          });
          completion += 10 + Math.ceil(args.length / 4);
        });
        sse(res, { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] });
      }
      // Usage on the final chunk, as llama.cpp and vLLM send it.
      sse(res, {
        ...base,
        choices: [],
        usage: { prompt_tokens: tokens, completion_tokens: completion, total_tokens: tokens + completion },
      });
      res.write('data: [DONE]\n\n');
      res.end();
    });
  });
  return { url: `${loopback.url}/v1`, seen, close: () => loopback.close() };
}
