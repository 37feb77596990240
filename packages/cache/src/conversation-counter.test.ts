import { isCtxkitError, type Message, requestTokens, type ToolDefinition } from '@ctxkit/core';
import { loadTranscripts } from '@ctxkit/test-utils';
import { createVocabularyTokenizer } from '@ctxkit/tokenizers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConversationCounter } from './conversation-counter.js';
import { messageFingerprint } from './fingerprint.js';
import { TokenCountCache } from './token-count-cache.js';

const o200k = createVocabularyTokenizer('o200k_base');
const cl100k = createVocabularyTokenizer('cl100k_base');
const pool = loadTranscripts()
  .flatMap((t) => t.messages as Message[])
  .filter((m) => JSON.stringify(m).length < 3000)
  .slice(0, 120);
const tools: ToolDefinition[] = [
  {
    name: 'bash',
    description: 'Run a shell command',
    parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
  },
  {
    name: 'read_file',
    description: 'Read a file',
    parameters: { type: 'object', properties: { path: { type: 'string' } } },
  },
];

function recount(messages: readonly Message[], toolDefs: readonly ToolDefinition[], tokenizer = o200k) {
  const by = { system: 0, userMessages: 0, assistantMessages: 0, toolResults: 0 };
  for (const m of messages) {
    const n = tokenizer.countMessage(m);
    if (m.role === 'system') by.system += n;
    else if (m.role === 'user') by.userMessages += n;
    else if (m.role === 'tool') by.toolResults += n;
    else by.assistantMessages += n;
  }
  const base = tokenizer.countMessages([]);
  const toolDefinitions = toolDefs.length ? tokenizer.countMessages([], { tools: toolDefs }) - base : 0;
  const total = by.system + by.userMessages + by.assistantMessages + by.toolResults + toolDefinitions;
  return { ...by, toolDefinitions, total };
}

type Edit =
  | { op: 'append'; items: number[] }
  | { op: 'replace'; at: number; item: number }
  | { op: 'remove'; at: number; len: number }
  | { op: 'splice'; at: number; del: number; items: number[] }
  | { op: 'tools'; on: boolean };

const idx = fc.nat({ max: pool.length - 1 });
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('append' as const), items: fc.array(idx, { minLength: 1, maxLength: 4 }) }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), item: idx }),
  fc.record({ op: fc.constant('remove' as const), at: fc.nat(), len: fc.nat({ max: 3 }) }),
  fc.record({
    op: fc.constant('splice' as const),
    at: fc.nat(),
    del: fc.nat({ max: 3 }),
    items: fc.array(idx, { maxLength: 3 }),
  }),
  fc.record({ op: fc.constant('tools' as const), on: fc.boolean() }),
);

describe('ConversationCounter', () => {
  it('equals a full recount after any sequence of edits (property)', () => {
    const cache = new TokenCountCache();
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 25 }), (edits) => {
        const counter = new ConversationCounter({ tokenizer: o200k, cache });
        const model: Message[] = [];
        let toolDefs: ToolDefinition[] = [];
        for (const e of edits) {
          const n = model.length;
          if (e.op === 'append') {
            const items = e.items.map((i) => pool[i] as Message);
            counter.append(...items);
            model.push(...items);
          } else if (e.op === 'replace' && n > 0) {
            counter.replace(e.at % n, pool[e.item] as Message);
            model[e.at % n] = pool[e.item] as Message;
          } else if (e.op === 'remove' && n > 0) {
            const start = e.at % n;
            const end = Math.min(n, start + e.len);
            expect(counter.remove(start, end)).toEqual(model.splice(start, end - start));
          } else if (e.op === 'splice') {
            const start = e.at % (n + 1);
            const del = Math.min(e.del, n - start);
            const items = e.items.map((i) => pool[i] as Message);
            expect(counter.splice(start, del, ...items)).toEqual(model.splice(start, del, ...items));
          } else if (e.op === 'tools') {
            toolDefs = e.on ? tools : [];
            counter.setTools(toolDefs);
          }
        }
        const expected = recount(model, toolDefs);
        expect(counter.breakdown()).toEqual(expected);
        expect(counter.total()).toBe(expected.total);
        expect(counter.requestTokens()).toBe(o200k.countMessages(model, { tools: toolDefs }));
        expect(counter.counts()).toEqual(model.map((m) => o200k.countMessage(m)));
        expect(counter.messages()).toEqual(model);
      }),
      { numRuns: 60 },
    );
  });

  it('counts only what changed', () => {
    let calls = 0;
    // A real tokenizer, wrapped only to count how often messages are priced.
    const spy = Object.create(o200k, {
      countMessage: {
        value: (m: Message) => {
          calls++;
          return o200k.countMessage(m);
        },
      },
    }) as typeof o200k;
    const counter = new ConversationCounter({ tokenizer: spy, messages: pool.slice(0, 30) });
    expect(calls).toBe(30);
    counter.append(pool[30] as Message);
    counter.replace(3, pool[31] as Message);
    counter.remove(0, 10);
    counter.splice(2, 2, pool[32] as Message);
    expect(calls).toBe(33);
  });

  it('recounts on a tokenizer switch and matches the new vocabulary', () => {
    const counter = new ConversationCounter({ tokenizer: o200k, messages: pool.slice(0, 40), tools });
    counter.setTokenizer(cl100k);
    expect(counter.breakdown()).toEqual(recount(pool.slice(0, 40), tools, cl100k));
  });

  it('rejects bad bounds and bad messages without changing anything', () => {
    const counter = new ConversationCounter({ tokenizer: o200k, messages: pool.slice(0, 5) });
    const before = counter.breakdown();
    const codeOf = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return isCtxkitError(e) ? e.code : 'untyped';
      }
      return undefined;
    };
    expect(codeOf(() => counter.replace(5, pool[0] as Message))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => counter.remove(3, 2))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => counter.remove(-1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => counter.splice(2, 9))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => counter.splice(1, 1, { role: 'user', content: 3 } as unknown as Message))).toBe(
      'INVALID_MESSAGE',
    );
    expect(codeOf(() => new ConversationCounter({} as never))).toBe('INVALID_ARGUMENT');
    expect(counter.breakdown()).toEqual(before);
    expect(counter.length).toBe(5);
  });
});

describe('requestTokens through a TokenCountCache', () => {
  it("equals the tokenizer's full count, and counts each message once across requests", () => {
    const cache = new TokenCountCache();
    const countMessage = (m: Message) => cache.count(m, o200k);
    const messages = pool.slice(0, 40);
    for (const toolDefs of [[], tools]) {
      expect(requestTokens(o200k, messages, { tools: toolDefs, countMessage })).toBe(
        o200k.countMessages(messages, { tools: toolDefs }),
      );
    }
    const counter = new ConversationCounter({ tokenizer: o200k, cache, tools, messages });
    expect(counter.requestTokens()).toBe(requestTokens(o200k, messages, { tools, countMessage }));
    const { misses } = cache.stats();
    expect(misses).toBe(new Set(messages.map((m) => messageFingerprint(m))).size);
  });
});
