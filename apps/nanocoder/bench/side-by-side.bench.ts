/**
 * Side by side on the shared transcripts: Nanocoder 1.30.0's own modules
 * (deep-imported) vs the @ctxkit/nanocoder adapters.
 *   1. counting error against the exact vocabulary, for models Nanocoder mis-routes;
 *   2. time per assistant turn (create a tokenizer, count the history, free it —
 *      what Nanocoder does after every turn for its auto-compact check);
 *   3. compaction: valid conversations (no orphan tool results) and facts kept.
 * Run: pnpm -F @ctxkit/nanocoder bench
 */

import { extractLedger, ledgerItems, missingLedgerItems } from '@ctxkit/compressor';
import { type Message, toNanocoder, toolArgumentsToString, validateConversation } from '@ctxkit/core';
import { loadTranscripts } from '@ctxkit/test-utils';
import { createVocabularyTokenizer, type VocabularyId } from '@ctxkit/tokenizers';
import { compactNanocoderMessages } from '../src/compact.js';
import { toCtxkit } from '../src/convert.js';
import { Engine } from '../src/counting-engine.js';
import { createTokenizer } from '../src/tokenizer.js';
import type { NanocoderMessage } from '../src/types.js';
import { nanocoderModules } from '../test/nanocoder-modules.js';

const nc = await nanocoderModules();
const transcripts = loadTranscripts();
const conversations = transcripts.map((t) => ({
  name: t.name,
  messages: toNanocoder(t.messages as Message[]) as NanocoderMessage[],
}));
const MAX_MESSAGES = Number(process.env.BENCH_MESSAGES ?? 400);
const sample = conversations.flatMap((c) => c.messages).slice(0, MAX_MESSAGES);

/** Everything a message sends, as text: content, tool-call names and arguments, reasoning. */
function sentText(m: NanocoderMessage): string {
  const calls = (m.tool_calls ?? []).map(
    (c) => `${c.function.name}${toolArgumentsToString(c.function.arguments)}`,
  );
  return [m.content, ...calls, m.reasoning ?? ''].join('\n');
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

// 1. Counting error.
const models: [string, string, VocabularyId][] = [
  ['ollama', 'qwen2.5-coder:7b', 'qwen2'],
  ['mistral', 'mistral-large-latest', 'mistral_v1'],
  ['google', 'gemini-2.5-flash', 'gemma3'],
  ['deepseek', 'deepseek-chat', 'deepseek_v3'],
  ['openrouter', 'openai/gpt-4o', 'o200k_base'],
];
console.log(
  `\n## 1. Counting error vs the exact vocabulary (${sample.length} messages from ${conversations.length} transcripts)\n`,
);
console.log(
  '| model | exact vocabulary | Nanocoder routes to | Nanocoder error | ctxkit error | ctxkit / Nanocoder |',
);
console.log('|---|---|---|---|---|---|');
for (const [provider, model, vocabulary] of models) {
  const exact = createVocabularyTokenizer(vocabulary);
  const nano = nc.createTokenizer(provider, model);
  const ours = createTokenizer(provider, model);
  let truth = 0;
  let nanoErr = 0;
  let oursErr = 0;
  for (const m of sample) {
    const t = exact.countTokens(sentText(m));
    truth += t;
    nanoErr += Math.abs(nano.countTokens(m) - t);
    oursErr += Math.abs(ours.countTokens(m) - t);
  }
  console.log(
    `| ${provider}/${model} | ${vocabulary} | ${nano.getName()} | ${pct(nanoErr / truth)} | ${pct(oursErr / truth)} | ${(oursErr / Math.max(1, nanoErr)).toFixed(3)} |`,
  );
  nano.free?.();
  ours.free();
}

// 2. Time per turn.
const turns = Number(process.env.BENCH_TURNS ?? 40);
const history = sample.slice(0, turns);
function perTurn(create: () => { countTokens(m: NanocoderMessage): number; free?(): void }): number {
  const started = performance.now();
  for (let i = 1; i <= history.length; i++) {
    const t = create();
    let total = 0;
    for (const m of history.slice(0, i)) total += t.countTokens(m);
    if (total < 0) throw new Error('unreachable');
    t.free?.();
  }
  return (performance.now() - started) / history.length;
}
console.log(`\n## 2. Time per assistant turn (${history.length} turns, history re-counted each turn)\n`);
console.log('| model | Nanocoder ms/turn (baseline) | ctxkit ms/turn | ratio |');
console.log('|---|---|---|---|');
for (const [provider, model] of [
  models[4] as [string, string, VocabularyId],
  models[0] as [string, string, VocabularyId],
]) {
  const engine = new Engine();
  createTokenizer(provider, model, { engine }).encode('warm'); // vocabulary load is a one-off, reported by @ctxkit/pool
  const base = perTurn(() => nc.createTokenizer(provider, model));
  const ours = perTurn(() => createTokenizer(provider, model, { engine }));
  console.log(
    `| ${provider}/${model} | ${base.toFixed(2)} | ${ours.toFixed(2)} | ${(ours / base).toFixed(3)} |`,
  );
}

// 3. Compaction.
console.log('\n## 3. Compaction on every transcript with ≥ 6 messages (gpt-4o counts)\n');
const tok = createTokenizer('openai', 'gpt-4o');
const nanoTok = nc.createTokenizer('openai', 'gpt-4o');
let n = 0;
let nanoValid = 0;
let oursValid = 0;
let oursFailed = 0;
let nanoKept = 0;
let oursKept = 0;
let facts = 0;
let nanoAfter = 0;
let oursAfter = 0;
let before = 0;
for (const { messages } of conversations) {
  const system = messages.find((m) => m.role === 'system') ?? {
    role: 'system' as const,
    content: 'You are a coding agent.',
  };
  const hist = messages.filter((m) => m.role !== 'system').slice(0, 120);
  if (hist.length < 6) continue;
  n++;
  const ledger = extractLedger(hist.map(toCtxkit));
  const items = ledgerItems(ledger).length;
  facts += items;
  const b = tok.tokenizer.countMessages([system, ...hist].map(toCtxkit));
  before += b;
  const theirs = nc
    .compressMessages([system, ...hist], nanoTok, { mode: 'default' })
    .compressedMessages.filter((m) => m.role !== 'system');
  if (validateConversation(theirs.map(toCtxkit)).length === 0) nanoValid++;
  nanoKept += items - missingLedgerItems(theirs.map((m) => sentText(m)).join('\n'), ledger).length;
  nanoAfter += tok.tokenizer.countMessages([system, ...theirs].map(toCtxkit));
  try {
    const r = await compactNanocoderMessages(hist, system, {
      contextLimit: Math.max(4096, b),
      tokenizer: tok,
      force: true,
    });
    if (validateConversation(r.messages.map(toCtxkit)).length === 0) oursValid++;
    oursKept += items - missingLedgerItems(r.messages.map((m) => sentText(m)).join('\n'), ledger).length;
    oursAfter += r.after;
  } catch {
    oursFailed++;
    oursAfter += b;
  }
}
console.log('| | Nanocoder mechanical (baseline) | ctxkit compressor |');
console.log('|---|---|---|');
console.log(
  `| valid conversations (no orphan / unanswered tool call) | ${nanoValid}/${n} | ${oursValid}/${n} (typed BUDGET_EXCEEDED: ${oursFailed}) |`,
);
console.log(
  `| ledger facts kept (files, commands, errors) | ${nanoKept}/${facts} (${pct(nanoKept / Math.max(1, facts))}) | ${oursKept}/${facts} (${pct(oursKept / Math.max(1, facts))}) |`,
);
console.log(`| tokens after / before | ${pct(nanoAfter / before)} | ${pct(oursAfter / before)} |`);
tok.free();
nanoTok.free?.();
