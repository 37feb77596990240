import { describe, expect, it } from 'vitest';
import { messageText } from './content.js';
import { CtxkitError, isCtxkitError } from './errors.js';
import { requestOverhead, requestTokens } from './request-tokens.js';
import { normalizeToolDefinition } from './tools.js';
import type { CountMessagesOptions, Message, Tokenizer } from './types.js';

// A whitespace-word tokenizer with the framing ctxkit tokenizers have: per message, per request,
// per tool. Core has no vocabulary; the packages that do check requestTokens against real ones.
class WordTokenizer implements Tokenizer {
  readonly id = 'test:words';
  readonly family = 'test';
  readonly exact = true;
  emptyCalls: (CountMessagesOptions | undefined)[] = [];
  countTokens(text: string): number {
    return text.split(/\s+/).filter(Boolean).length;
  }
  encode(text: string): number[] {
    return Array.from({ length: this.countTokens(text) }, (_, i) => i);
  }
  countMessage(message: Message): number {
    if (message.role === 'tool' && message.tool_call_id === undefined) {
      throw new CtxkitError('INVALID_MESSAGE', 'tool message without a tool_call_id');
    }
    return 4 + this.countTokens(messageText(message));
  }
  countMessages(messages: readonly Message[], options?: CountMessagesOptions): number {
    if (messages.length === 0) this.emptyCalls.push(options);
    let n = 3;
    for (const [i, tool] of (options?.tools ?? []).entries()) {
      const t = normalizeToolDefinition(tool, i);
      n += 7 + this.countTokens(`${t.name} ${t.description ?? ''}`);
    }
    for (const m of messages) n += this.countMessage(m);
    return n;
  }
}

const messages: Message[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'List the files in src please' },
  { role: 'assistant', content: 'Here they are' },
];
const tools = [{ name: 'bash', description: 'Run a shell command' }];

describe('requestTokens', () => {
  it("equals the tokenizer's own count of the whole request, with and without tools", () => {
    const t = new WordTokenizer();
    expect(requestTokens(t, messages)).toBe(t.countMessages(messages));
    expect(requestTokens(t, messages, { tools })).toBe(t.countMessages(messages, { tools }));
    expect(requestTokens(t, messages, { tools })).toBeGreaterThan(requestTokens(t, messages));
  });

  it('counts each message once, in order, through the given counter', () => {
    const t = new WordTokenizer();
    const seen: Message[] = [];
    const n = requestTokens(t, messages, {
      countMessage: (m) => {
        seen.push(m);
        return 100;
      },
    });
    expect(seen).toEqual(messages);
    expect(n).toBe(requestOverhead(t) + 300);
  });

  it('uses a known overhead instead of recounting the tools', () => {
    const t = new WordTokenizer();
    const overhead = requestOverhead(t, tools);
    t.emptyCalls = [];
    expect(requestTokens(t, messages, { overhead })).toBe(t.countMessages(messages, { tools }));
    expect(t.emptyCalls).toEqual([]);
  });

  it('passes the error of a message the tokenizer refuses through', () => {
    const t = new WordTokenizer();
    const bad = { role: 'tool', content: 'x' } as Message;
    let thrown: unknown;
    try {
      requestTokens(t, [...messages, bad]);
    } catch (error) {
      thrown = error;
    }
    expect(isCtxkitError(thrown) && thrown.code).toBe('INVALID_MESSAGE');
  });
});

describe('requestOverhead', () => {
  it('is what an empty request costs; an empty tool list is no tools', () => {
    const t = new WordTokenizer();
    expect(requestOverhead(t)).toBe(3);
    expect(requestOverhead(t, [])).toBe(3);
    expect(requestOverhead(t, tools)).toBe(3 + 7 + 5);
    expect(t.emptyCalls).toEqual([undefined, undefined, { tools }]);
  });
});
