// A loopback model on 127.0.0.1 whose answers are
// COMPUTED from the request it receives.
// - POST /v1/chat/completions (OpenAI wire): the answering model. It reads the questions of the
//   last user message ("value of KEY", "location of the build error") and answers each from the
//   rest of the request — message text and tool-call arguments — or says it does not know. A
//   request over its context window is rejected with HTTP 400, as real servers do.
// - POST /api/show, /api/chat (Ollama wire, NDJSON stream): a scripted summarizer that keeps what
//   it is shown: the fact-bearing lines of the previous summary and the transcript it is asked to
//   summarize, in order, within the `num_predict` budget of the request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  fromOpenAIChat,
  type Message,
  type OpenAIChatMessage,
  type Tokenizer,
  type ToolDefinition,
  toOpenAIChat,
} from '@ctxkit/core';
import { type Loopback, listenLoopback, readBody } from '@ctxkit/test-utils';
import type { RecallFact } from './recall-tasks.js';

/** A running recall model. */
export interface RecallModel {
  url: string;
  /** Context window of the answering model (prompt + reply room), in tokens; changeable between calls. */
  contextLimit: number;
  /** Chat requests the summarizer endpoint answered. */
  summarizeCalls: number;
  close(): Promise<void>;
}

interface OpenAIBody {
  messages: { role: string; content: string | null; tool_calls?: { function: { arguments: string } }[] }[];
  tools?: unknown[];
  max_tokens?: number;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every string a request shows the model, in order: contents, then each call's argument values. */
function requestTexts(body: OpenAIBody): string[] {
  const out: string[] = [];
  for (const m of body.messages) {
    if (typeof m.content === 'string') out.push(m.content);
    for (const c of m.tool_calls ?? []) {
      try {
        const args = JSON.parse(c.function.arguments) as Record<string, unknown>;
        for (const v of Object.values(args)) out.push(typeof v === 'string' ? v : JSON.stringify(v));
      } catch {
        out.push(c.function.arguments);
      }
    }
  }
  return out;
}

/**
 * The answer the model gives from `text` (what the request shows, the question excluded):
 * the LAST value assigned to each asked key (a later edit wins over an earlier read), the
 * location of the last `error TS…` line; `unknown` when the request does not show it.
 */
export function answerFrom(text: string, question: string): string {
  const lines: string[] = [];
  for (const m of question.matchAll(/value of ([A-Z][A-Z0-9_]+)/g)) {
    const key = m[1]!;
    const re = new RegExp(`\\b${escapeRe(key)}\\b\\s*(?:=|:)\\s*['"\`]?([A-Za-z0-9_.\\-/]+)`, 'g');
    let value: string | undefined;
    for (const v of text.matchAll(re)) value = v[1];
    lines.push(`${key} = ${value ?? 'unknown'}`);
  }
  if (/location of the build error/.test(question)) {
    let at: string | undefined;
    for (const v of text.matchAll(/([\w./-]+\.ts\(\d+,\d+\)): error TS\d+/g)) at = v[1];
    lines.push(`build error = ${at ?? 'unknown'}`);
  }
  return lines.join('\n');
}

/** Which facts an answer gets right. */
export function scoreAnswer(answer: string, facts: readonly RecallFact[]): boolean[] {
  return facts.map((f) => {
    const key = f.kind === 'value' ? f.key : 'build error';
    const m = new RegExp(`^${escapeRe(key)} = (.*)$`, 'm').exec(answer);
    return m?.[1] === f.value;
  });
}

// Constants (NAME = value), errors, the user's rules and the calls made: what a careful summary keeps.
const FACT_LINE = [
  /\b[A-Z][A-Z0-9_]{2,}\s*[=:]\s*\S/,
  /error TS\d+|\berror\b|\b(?:must|never|always|do not|don't)\b|^\[calls /i,
];

/** The scripted summary: fact-bearing lines of previous summary + transcript, in order, within `budget`. */
export function scriptedSummary(prompt: string, budget: number, tokenizer: Tokenizer): string {
  const between = (tag: string) => {
    const m = new RegExp(`<${tag}>\\n?([\\s\\S]*?)\\n?</${tag}>`).exec(prompt);
    return m?.[1] ?? '';
  };
  const source = `${between('previous-summary')}\n${between('transcript') || prompt}`;
  const seen = new Set<string>();
  const kept: string[] = ['## Facts seen'];
  let used = tokenizer.countTokens(kept[0]!);
  for (const raw of source.split('\n')) {
    const line = raw
      .replace(/^\s*\d+\t/, '')
      .trim()
      .slice(0, 240);
    if (line.length === 0 || line === kept[0] || seen.has(line) || !FACT_LINE.some((re) => re.test(line)))
      continue;
    const n = tokenizer.countTokens(line) + 1;
    if (used + n > budget) break;
    seen.add(line);
    kept.push(line);
    used += n;
  }
  if (kept.length === 1) kept.push('The session continued without new facts worth keeping.');
  return kept.join('\n');
}

/** Starts the recall model on 127.0.0.1, port 0. */
export async function startRecallModel(options: {
  tokenizer: Tokenizer;
  contextLimit?: number;
}): Promise<RecallModel> {
  const { tokenizer } = options;
  let loopback: Loopback | undefined;
  const state: RecallModel = {
    url: '',
    contextLimit: options.contextLimit ?? 32_768,
    summarizeCalls: 0,
    close: async () => {
      await loopback?.close();
    },
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    if (req.url === '/api/show') {
      return json(res, 200, {
        parameters: 'num_ctx 32768',
        model_info: { 'general.architecture': 'qwen2', 'qwen2.context_length': 32768 },
        details: { family: 'qwen2' },
        capabilities: ['completion'],
      });
    }
    if (req.url === '/api/chat') {
      const body = JSON.parse(raw) as {
        messages: { role: string; content: string }[];
        options?: { num_predict?: number };
      };
      state.summarizeCalls++;
      const prompt = body.messages
        .filter((m) => m.role === 'user')
        .map((m) => m.content)
        .join('\n');
      const promptTokens = body.messages.reduce((s, m) => s + tokenizer.countTokens(m.content), 0);
      const text = scriptedSummary(prompt, body.options?.num_predict ?? 256, tokenizer);
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      const base = { model: 'scripted', created_at: new Date().toISOString() };
      for (const part of text.match(/[\s\S]{1,80}/g) ?? []) {
        res.write(
          `${JSON.stringify({ ...base, message: { role: 'assistant', content: part }, done: false })}\n`,
        );
      }
      res.end(
        `${JSON.stringify({
          ...base,
          message: { role: 'assistant', content: '' },
          done: true,
          done_reason: 'stop',
          prompt_eval_count: promptTokens,
          eval_count: tokenizer.countTokens(text),
        })}\n`,
      );
      return;
    }
    if (req.url === '/v1/chat/completions') {
      const body = JSON.parse(raw) as OpenAIBody;
      // Counted as the client counts (messages, tools and reply priming), so "fits" means the same on both ends.
      const tools = (body.tools ?? []).map((t) => (t as { function: ToolDefinition }).function);
      const prompt = tokenizer.countMessages(fromOpenAIChat(body.messages as OpenAIChatMessage[]), { tools });
      const reply = body.max_tokens ?? 0;
      if (prompt + reply > state.contextLimit) {
        return json(res, 400, {
          error: {
            message: `This model's maximum context length is ${state.contextLimit} tokens; the request needs ${prompt + reply}.`,
            type: 'invalid_request_error',
            code: 'context_length_exceeded',
          },
        });
      }
      const last = body.messages[body.messages.length - 1];
      const question = typeof last?.content === 'string' ? last.content : '';
      const shown = requestTexts({ ...body, messages: body.messages.slice(0, -1) }).join('\n');
      const answer = answerFrom(shown, question);
      return json(res, 200, {
        id: 'chatcmpl-recall',
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: 'recall',
        choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
        usage: { prompt_tokens: prompt, completion_tokens: tokenizer.countTokens(answer) },
      });
    }
    json(res, 404, { error: 'not found' });
  };
  loopback = await listenLoopback((req, res) => handle(req, res).catch(() => res.destroy()));
  state.url = loopback.url;
  return state;
}

/** What asking the model for the facts of a request returned. */
export interface AskResult {
  /** Whether the model accepted the request (it fits its window). */
  accepted: boolean;
  answer: string;
  correct: boolean[];
}

/** Sends a request through real fetch to the answering model and scores its answer. */
export async function askFacts(
  model: RecallModel,
  messages: readonly Message[],
  tools: readonly ToolDefinition[],
  facts: readonly RecallFact[],
  maxTokens = 256,
): Promise<AskResult> {
  const res = await fetch(`${model.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'recall',
      messages: toOpenAIChat(messages),
      tools: tools.map((t) => ({ type: 'function', function: t })),
      max_tokens: maxTokens,
    }),
  });
  const body = (await res.json()) as { choices?: { message: { content: string } }[] };
  if (!res.ok) return { accepted: false, answer: '', correct: facts.map(() => false) };
  const answer = body.choices?.[0]?.message.content ?? '';
  return { accepted: true, answer, correct: scoreAnswer(answer, facts) };
}
