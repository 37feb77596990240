import { isCtxkitError, type Message } from '@ctxkit/core';
import { callMessage, loadTranscripts } from '@ctxkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageFingerprint } from './fingerprint.js';

// An assistant running one bash command.
const bash = { name: 'bash', content: 'Running it.' };

const image = (data: string, width?: number): Message => ({
  role: 'user',
  content: [
    { type: 'text', text: 'What is in this screenshot?' },
    { type: 'image', mediaType: 'image/png', data, width },
  ],
});

describe('messageFingerprint', () => {
  it('differs for messages that differ only in tool-call arguments', () => {
    const a = messageFingerprint(callMessage(['call_1'], { ...bash, arguments: '{"command":"ls"}' }));
    const b = messageFingerprint(callMessage(['call_1'], { ...bash, arguments: '{"command":"ls -la"}' }));
    const c = messageFingerprint(
      callMessage(['call_1'], { ...bash, arguments: { command: 'rm -rf build' } }),
    );
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('differs for messages that differ only in tool-call id, name, tool_call_id, name or reasoning', () => {
    const base: Message = { role: 'tool', content: 'ok', tool_call_id: 'call_1' };
    const prints = [
      messageFingerprint(callMessage(['call_1'], { ...bash, arguments: '{}' })),
      messageFingerprint(callMessage(['call_2'], { ...bash, arguments: '{}' })),
      messageFingerprint(callMessage(['call_1'], { ...bash, arguments: '{}', name: 'read' })),
      messageFingerprint(base),
      messageFingerprint({ ...base, tool_call_id: 'call_2' }),
      messageFingerprint({ ...base, name: 'bash' }),
      messageFingerprint({ role: 'assistant', content: 'x' }),
      messageFingerprint({ role: 'assistant', content: 'x', reasoning: 'because' }),
    ];
    expect(new Set(prints).size).toBe(prints.length);
  });

  it('differs for messages that differ only in images', () => {
    const prints = [
      messageFingerprint(image('iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB')),
      messageFingerprint(image('iVBORw0KGgoAAAANSUhEUgAAAAIAAAAC')),
      messageFingerprint(image('iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB', 640)),
      messageFingerprint({
        role: 'user',
        content: 'look',
        images: [{ data: 'AAAA', mediaType: 'image/png' }],
      }),
      messageFingerprint({
        role: 'user',
        content: 'look',
        images: [{ data: 'AAAB', mediaType: 'image/png' }],
      }),
      messageFingerprint({ role: 'user', content: 'look' }),
    ];
    expect(new Set(prints).size).toBe(prints.length);
  });

  it('is the same for equal messages and ignores fields that are never sent', () => {
    const m: Message = { role: 'user', content: 'hello' };
    const copy: Message = { ...m, id: 'm1', pinned: true, metadata: { at: 1 } };
    expect(messageFingerprint(copy)).toBe(messageFingerprint(m));
    // Arguments as an object and as its JSON string reach the provider identically.
    expect(messageFingerprint(callMessage(['call_1'], { ...bash, arguments: { command: 'ls' } }))).toBe(
      messageFingerprint(callMessage(['call_1'], { ...bash, arguments: '{"command":"ls"}' })),
    );
  });

  it('sees in-place edits of a message it has fingerprinted before', () => {
    const m = callMessage(['call_1'], { ...bash, arguments: '{"command":"ls"}' });
    const before = messageFingerprint(m);
    expect(messageFingerprint(m)).toBe(before);
    const first = m.tool_calls?.[0];
    if (first === undefined) throw new Error('fixture has a tool call');
    first.function.arguments = '{"command":"pwd"}';
    const after = messageFingerprint(m);
    expect(after).not.toBe(before);
    m.content = [{ type: 'text', text: 'Running it.' }];
    expect(messageFingerprint(m)).not.toBe(after);
  });

  it('gives distinct transcript messages distinct fingerprints', () => {
    const byPrint = new Map<string, string>();
    for (const t of loadTranscripts()) {
      for (const m of t.messages as Message[]) {
        const json = JSON.stringify([
          m.role,
          m.content,
          m.tool_calls,
          m.tool_call_id,
          m.name,
          m.reasoning,
          m.images,
        ]);
        const print = messageFingerprint(m);
        const seen = byPrint.get(print);
        if (seen !== undefined) expect(seen).toBe(json);
        byPrint.set(print, json);
      }
    }
    expect(byPrint.size).toBeGreaterThan(10);
  });

  it('never collides for messages whose sent fields differ (property)', () => {
    const text = fc.string({ maxLength: 12 });
    const msg = fc.record({
      role: fc.constantFrom('user' as const, 'assistant' as const),
      content: fc.oneof(
        text,
        fc.array(
          text.map((t) => ({ type: 'text' as const, text: t })),
          { maxLength: 3 },
        ),
      ),
      name: fc.option(text, { nil: undefined }),
      reasoning: fc.option(text, { nil: undefined }),
    });
    fc.assert(
      fc.property(msg, msg, (a, b) => {
        const same = JSON.stringify(a) === JSON.stringify(b);
        expect(messageFingerprint(a) === messageFingerprint(b)).toBe(same);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects malformed messages with a typed error', () => {
    for (const bad of [null, 42, { role: 'robot', content: 'x' }, { role: 'user', content: 7 }]) {
      let error: unknown;
      try {
        messageFingerprint(bad as unknown as Message);
      } catch (e) {
        error = e;
      }
      expect(isCtxkitError(error, 'INVALID_MESSAGE')).toBe(true);
    }
  });
});
