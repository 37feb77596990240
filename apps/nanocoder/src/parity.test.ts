import { isCtxkitError, type Message, toNanocoder, validateConversation } from '@ctxkit/core';
import { loadTranscripts } from '@ctxkit/test-utils';
import { createVocabularyTokenizer } from '@ctxkit/tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { nanocoderModules } from '../test/nanocoder-modules.js';
import { calculateTokenBreakdown } from './breakdown.js';
import { compactNanocoderMessages, splitInFlight } from './compact.js';
import { toCtxkit } from './convert.js';
import { ContextGuard } from './guard.js';
import { createTokenizer } from './tokenizer.js';
import type { NanocoderMessage } from './types.js';

// Parity with Nanocoder's REAL modules (deep-imported from the pinned
// devDependency) on the shared transcripts: same contracts, right vocabulary.
let nc: Awaited<ReturnType<typeof nanocoderModules>>;
const transcripts = loadTranscripts();
/** Each transcript as Nanocoder messages (system first when it has one). */
const conversations: { name: string; messages: NanocoderMessage[] }[] = transcripts.map((t) => ({
  name: t.name,
  messages: toNanocoder(t.messages as Message[]) as NanocoderMessage[],
}));

beforeAll(async () => {
  nc = await nanocoderModules();
});

describe('routing: the vocabulary each model gets', () => {
  // [provider, model, what Nanocoder 1.30.0 routes to, the model's real vocabulary]
  const cases = [
    ['ollama', 'qwen2.5-coder:7b', 'llama-', 'qwen2'],
    ['mistral', 'mistral-large-latest', 'llama-', 'mistral_v1'],
    ['deepseek', 'deepseek-chat', 'llama-', 'deepseek_v3'],
    ['google', 'gemini-2.5-flash', 'generic-o200k', 'gemma3'],
    ['openrouter', 'openai/gpt-4o', 'openai-', 'o200k_base'],
  ] as const;
  it.each(cases)('%s %s: Nanocoder uses %s, ctxkit the real %s', (provider, model, theirs, vocabulary) => {
    const nano = nc.createTokenizer(provider, model);
    const ours = createTokenizer(provider, model);
    try {
      expect(nano.getName().startsWith(theirs)).toBe(true);
      expect(ours.detection.vocabulary).toBe(vocabulary);
      expect(ours.detection.exact).toBe(true);
    } finally {
      nano.free?.();
      ours.free();
    }
  });
});

describe('counts on transcripts', () => {
  it('Qwen: encode() equals the exact Qwen2 count; Nanocoder (Llama-2 vocabulary) does not', () => {
    const exact = createVocabularyTokenizer('qwen2');
    const ours = createTokenizer('ollama', 'qwen2.5-coder:7b');
    const nano = nc.createTokenizer('ollama', 'qwen2.5-coder:7b');
    let ourErr = 0;
    let theirErr = 0;
    let total = 0;
    for (const { messages } of conversations.slice(0, 8)) {
      for (const m of messages.slice(0, 20)) {
        const text = m.content.slice(0, 2000);
        const truth = exact.countTokens(text);
        total += truth;
        ourErr += Math.abs(ours.encode(text) - truth);
        theirErr += Math.abs(nano.encode(text) - truth);
      }
    }
    expect(total).toBeGreaterThan(0);
    expect(ourErr).toBe(0);
    expect(ours.getName()).toBe('ctxkit-hf:qwen2');
    expect(theirErr / total).toBeGreaterThan(0.05);
    ours.free();
  });

  it('countTokens counts tool-call arguments and images, which Nanocoder ignores', () => {
    const ours = createTokenizer('openai', 'gpt-4o');
    const nano = nc.createTokenizer('openai', 'gpt-4o');
    let checked = 0;
    for (const { messages } of conversations) {
      for (const m of messages) {
        if (!m.tool_calls?.length) continue;
        const args = JSON.stringify(m.tool_calls.map((c) => c.function.arguments));
        if (args.length < 200) continue;
        checked++;
        // Nanocoder counts only content + role; ctxkit adds the arguments.
        expect(ours.countTokens(m)).toBeGreaterThan(nano.countTokens(m));
        expect(ours.countTokens(m) - ours.encode(m.content)).toBeGreaterThanOrEqual(ours.encode(args) / 2);
      }
    }
    expect(checked).toBeGreaterThan(0);
    const image = {
      role: 'user' as const,
      content: 'what is this?',
      images: [{ data: 'iVBORw0KGgo=', mediaType: 'image/png' }],
    };
    expect(ours.countTokens(image)).toBeGreaterThan(
      ours.countTokens({ role: 'user', content: 'what is this?' }),
    );
    expect(nano.countTokens(image)).toBe(nano.countTokens({ role: 'user', content: 'what is this?' }));
    ours.free();
    nano.free?.();
  });

  it('calculateTokenBreakdown: same result as Nanocoder with the same tokenizer and getter', () => {
    const nano = nc.createTokenizer('openai', 'gpt-4o');
    for (const { messages } of conversations.slice(0, 10)) {
      const getter = (m: NanocoderMessage) => nano.countTokens(m) + 1;
      expect(calculateTokenBreakdown(messages, nano)).toEqual(nc.calculateTokenBreakdown(messages, nano));
      expect(calculateTokenBreakdown(messages, nano, getter)).toEqual(
        nc.calculateTokenBreakdown(messages, nano, getter),
      );
    }
    nano.free?.();
  });

  it("calculateTokenBreakdown with a ctxkit tokenizer ignores Nanocoder's content-keyed getter", () => {
    const ours = createTokenizer('openai', 'gpt-4o');
    const call = (id: string, path: string): NanocoderMessage => ({
      role: 'assistant',
      content: '',
      tool_calls: [{ id, function: { name: 'read_file', arguments: { path, note: path.repeat(50) } } }],
    });
    const history = [call('a', 'x.ts'), call('b', 'a-much-longer-path/to/some/deeply/nested/file.ts')];
    // Nanocoder's cache key: content + role + model — both turns share it.
    const cache = new Map<string, number>();
    const getter = (m: NanocoderMessage) => {
      const key = `${m.content}${m.role}gpt-4o`;
      if (!cache.has(key)) cache.set(key, ours.countTokens(m));
      return cache.get(key) as number;
    };
    const theirs = nc.calculateTokenBreakdown(history, ours, getter);
    const mine = calculateTokenBreakdown(history, ours, getter);
    expect(mine.assistantMessages).toBe(
      ours.countTokens(history[0] as NanocoderMessage) + ours.countTokens(history[1] as NanocoderMessage),
    );
    expect(theirs.assistantMessages).toBeLessThan(mine.assistantMessages);
    ours.free();
  });
});

describe('message capping', () => {
  it("ContextGuard.cap equals Nanocoder's capMessagesForModel when nothing was compacted", () => {
    const guard = new ContextGuard();
    for (const { messages } of conversations) {
      const history = messages.filter((m) => m.role !== 'system');
      for (const max of [1, 3, 10, 50, 1000]) {
        expect(guard.cap(history, max)).toEqual(nc.capMessagesForModel(history, max));
      }
    }
  });
});

describe("compaction invariants vs Nanocoder's mechanical compaction", () => {
  it('valid history, summary as a user message, system not returned, smaller — on every transcript', async () => {
    const ours = createTokenizer('openai', 'gpt-4o');
    const nano = nc.createTokenizer('openai', 'gpt-4o');
    let theirsInvalid = 0;
    let compacted = 0;
    let cannotFit = 0;
    for (const { name, messages } of conversations) {
      const system = messages.find((m) => m.role === 'system') ?? {
        role: 'system' as const,
        content: 'You are a coding agent.',
      };
      const history = messages.filter((m) => m.role !== 'system').slice(0, 120);
      if (history.length < 6) continue;
      const theirs = nc.compressMessages([system, ...history], nano, { mode: 'default' });
      const theirHistory = theirs.compressedMessages.filter((m) => m.role !== 'system');
      if (validateConversation(theirHistory.map(toCtxkit)).length > 0) theirsInvalid++;

      const before = ours.tokenizer.countMessages([system, ...history].map(toCtxkit));
      let result: Awaited<ReturnType<typeof compactNanocoderMessages>>;
      try {
        result = await compactNanocoderMessages(history, system, {
          contextLimit: Math.max(4096, before),
          tokenizer: ours,
          force: true,
        });
      } catch (error) {
        // A window smaller than the messages that must stay verbatim (task, latest turn)
        // is a typed, loud failure — never a silently broken history.
        expect(isCtxkitError(error, 'BUDGET_EXCEEDED'), name).toBe(true);
        cannotFit++;
        continue;
      }
      compacted++;
      expect(
        result.messages.some((m) => m.role === 'system'),
        name,
      ).toBe(false);
      // A slice may end inside a step (calls without their results yet): that step comes back
      // untouched, as the same objects, and everything before it is valid.
      const { inFlight } = splitInFlight(history);
      const settled = result.messages.slice(0, result.messages.length - inFlight.length);
      expect(
        result.messages.slice(settled.length).every((m, i) => m === inFlight[i]),
        name,
      ).toBe(true);
      expect(validateConversation(settled.map(toCtxkit)), name).toEqual([]);
      // Smaller — unless everything is protected (task, latest turn, the current step): then unchanged.
      expect(result.after, name).toBeLessThanOrEqual(result.before);
      if (result.after === result.before) expect(result.steps, name).toEqual([]);
      if (result.summary !== undefined) {
        const summary = result.messages.find((m) => m.content.startsWith('<conversation-summary>'));
        expect(summary?.role, name).toBe('user');
      }
      // Messages kept verbatim are Nanocoder's own objects.
      const originals = new Set(history);
      expect(
        result.messages.some((m) => originals.has(m)),
        name,
      ).toBe(true);
    }
    expect(compacted).toBeGreaterThan(cannotFit);
    // Recorded, not required: how often Nanocoder's mechanical path breaks a tool pair.
    expect(theirsInvalid).toBeGreaterThanOrEqual(0);
    ours.free();
    nano.free?.();
  }, 120_000);
});
