import { loadTranscripts } from '@ctxkit/test-utils';
import { describe, expect, it } from 'vitest';
import { toolArgumentsToObject } from '../content.js';
import { CtxkitError } from '../errors.js';
import type { Message } from '../types.js';
import { validateConversation } from '../validate.js';
import { fromAnthropic, toAnthropic } from './anthropic.js';
import { fromNanocoder, type NanocoderMessage, toNanocoder } from './nanocoder.js';
import { fromOpenAIChat, toOpenAIChat } from './openai.js';

const transcripts = loadTranscripts();

/** Compares what reaches the provider: arguments by value, whatever their wire form. */
function wire(messages: Message[]) {
  return messages.map((m) => ({
    ...m,
    tool_calls: m.tool_calls?.map((c) => ({
      ...c,
      function: { ...c.function, arguments: toolArgumentsToObject(c.function.arguments) },
    })),
  }));
}

describe('round trips on real transcripts', () => {
  it('has transcripts to test on', () => {
    expect(transcripts.length).toBeGreaterThanOrEqual(9);
  });
  for (const t of transcripts) {
    it(`OpenAI chat: ${t.name}`, () => {
      expect(fromOpenAIChat(toOpenAIChat(t.messages))).toEqual(t.messages);
    });
    it(`Nanocoder: ${t.name}`, () => {
      const nano = toNanocoder(t.messages);
      for (const m of nano)
        for (const c of m.tool_calls ?? []) expect(typeof c.function.arguments).toBe('object');
      expect(wire(fromNanocoder(nano))).toEqual(wire(t.messages));
    });
    it(`Anthropic: ${t.name}`, () => {
      const conv = toAnthropic(t.messages);
      // Anthropic alternates user/assistant around tool results: no tool role may remain.
      for (const m of conv.messages) expect(['user', 'assistant']).toContain(m.role);
      const back = fromAnthropic(conv);
      // Mid-conversation system messages have no Anthropic equivalent: they come back as user text.
      const expected = t.messages.map(
        (m: Message, i: number): Message =>
          m.role === 'system' && t.messages.slice(0, i).some((p: Message) => p.role !== 'system')
            ? { role: 'user', content: `[system]\n\n${m.content}` }
            : m,
      );
      expect(wire(back)).toEqual(wire(expected));
      expect(validateConversation(back).length).toBe(validateConversation(t.messages).length);
    });
  }
});

describe('converters on edge cases', () => {
  it('carries images both ways in every format', () => {
    const m: Message[] = [
      { role: 'user', content: 'see', images: [{ data: 'QUJD', mediaType: 'image/png' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'url' },
          { type: 'image', mediaType: 'image/jpeg', url: 'https://x/y.jpg', detail: 'low' },
        ],
      },
    ];
    const openai = toOpenAIChat(m);
    expect(openai[0]!.content).toEqual([
      { type: 'text', text: 'see' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,QUJD' } },
    ]);
    expect(fromOpenAIChat(openai)[1]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'url' },
        { type: 'image', mediaType: 'image/*', url: 'https://x/y.jpg', detail: 'low' },
      ],
    });
    const nano = toNanocoder(m);
    expect(nano[0]!.images).toEqual([{ data: 'QUJD', mediaType: 'image/png' }]);
    expect(nano[1]!.content).toBe('url\n[image: https://x/y.jpg]');
    const anth = toAnthropic(m);
    expect(anth.messages[0]!.content).toContainEqual({
      type: 'image',
      source: { type: 'base64', media_type: 'image/png', data: 'QUJD' },
    });
  });
  it('keeps non-JSON string arguments intact through object formats', () => {
    const m: Message[] = [
      { role: 'user', content: 'u' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { id: 't', type: 'function', function: { name: 'patch', arguments: '*** Begin Patch' } },
        ],
      },
      { role: 'tool', tool_call_id: 't', content: 'ok' },
    ];
    expect(fromNanocoder(toNanocoder(m))).toEqual(m);
    expect(fromAnthropic(toAnthropic(m))[1]!.tool_calls![0]!.function.arguments).toBe('*** Begin Patch');
  });
  it('maps reasoning to each format', () => {
    const m: Message[] = [
      { role: 'user', content: 'u' },
      { role: 'assistant', content: 'x', reasoning: 'because' },
    ];
    expect(toOpenAIChat(m)[1]!.reasoning_content).toBe('because');
    expect(toAnthropic(m).messages[1]!.content).toContainEqual({ type: 'thinking', thinking: 'because' });
    expect(fromAnthropic(toAnthropic(m))[1]!.reasoning).toBe('because');
  });
  it('rejects malformed input with INVALID_MESSAGE', () => {
    const bad = [{ role: 'user', content: null }] as unknown as Message[];
    for (const convert of [toOpenAIChat, toNanocoder, toAnthropic]) {
      expect(() => convert(bad)).toThrowError(expect.objectContaining({ code: 'INVALID_MESSAGE' }));
    }
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const m: Message[] = [
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'x', arguments: circular } }],
      },
    ];
    expect(() => toOpenAIChat(m)).toThrowError(CtxkitError);
  });
});

describe('fromNanocoder lenient', () => {
  it('reads what the strict form rejects, as Nanocoder counts it, without throwing', () => {
    const odd = [
      { role: 'narrator', content: { toString: '', note: 'keep me' } },
      {
        role: 'assistant',
        content: undefined,
        tool_calls: [{ id: 'c', function: { name: 'patch', arguments: { __raw_arguments: '*** Begin' } } }],
      },
      { role: 'user', content: 'look', images: [null, { data: 'QUJD', mediaType: 'image/png' }] },
    ] as unknown as NanocoderMessage[];
    expect(() => fromNanocoder(odd)).toThrowError(expect.objectContaining({ code: 'INVALID_MESSAGE' }));
    const read = fromNanocoder(odd, { lenient: true });
    expect(read[0]).toEqual({ role: 'assistant', content: '{"toString":"","note":"keep me"}' });
    // Arguments stay the object Nanocoder sends, not the raw string the strict form restores.
    expect(read[1]?.content).toBe('');
    expect(read[1]?.tool_calls?.[0]?.function.arguments).toEqual({ __raw_arguments: '*** Begin' });
    expect(read[2]?.images).toEqual([{ data: 'QUJD', mediaType: 'image/png' }]);
  });
});
