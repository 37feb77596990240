import { describe, expect, it } from 'vitest';
import {
  messageImages,
  messageText,
  objectToToolArguments,
  RAW_ARGUMENTS_KEY,
  toolArgumentsToObject,
  toolArgumentsToString,
  visibleText,
} from './content.js';
import { type CtxkitError, isCtxkitError } from './errors.js';
import { assertMessage } from './message-check.js';

describe('content helpers', () => {
  it('joins text parts and ignores images', () => {
    expect(messageText({ content: 'plain' })).toBe('plain');
    expect(
      messageText({
        content: [
          { type: 'text', text: 'a' },
          { type: 'image', mediaType: 'image/png', data: 'x' },
          { type: 'text', text: 'b' },
        ],
      }),
    ).toBe('a\nb');
  });
  it('collects images from parts and from images[]', () => {
    const imgs = messageImages({
      role: 'user',
      content: [{ type: 'image', mediaType: 'image/png', data: 'p', width: 10, height: 20 }],
      images: [{ data: 'q', mediaType: 'image/jpeg' }],
    });
    expect(imgs.map((i) => i.data)).toEqual(['p', 'q']);
    expect(imgs[0]).toMatchObject({ width: 10, height: 20 });
  });
  it('converts arguments between string and object without loss', () => {
    expect(toolArgumentsToString({ a: 1 })).toBe('{"a":1}');
    expect(toolArgumentsToObject('{"a":1}')).toEqual({ a: 1 });
    expect(toolArgumentsToObject('[1,2]')).toEqual({ [RAW_ARGUMENTS_KEY]: '[1,2]' });
    expect(objectToToolArguments(toolArgumentsToObject('not json'))).toBe('not json');
    expect(objectToToolArguments({ b: 'x' })).toBe('{"b":"x"}');
  });
  it('assertMessage throws a typed error with the index', () => {
    expect(() => assertMessage({ role: 'user', content: 'ok' })).not.toThrow();
    let caught: unknown;
    try {
      assertMessage({ role: 'user' }, 7);
    } catch (e) {
      caught = e;
    }
    expect(isCtxkitError(caught, 'INVALID_MESSAGE')).toBe(true);
    expect((caught as CtxkitError).message).toContain('index 7');
    expect(isCtxkitError(caught, 'UNKNOWN_MODEL')).toBe(false);
    expect(isCtxkitError(new Error('x'))).toBe(false);
  });
});

describe('visibleText', () => {
  it('shows contents and every tool-call argument value, strings unquoted and the rest as JSON', () => {
    const text = visibleText([
      { role: 'user', content: [{ type: 'text', text: 'Fix it.' }] },
      {
        role: 'assistant',
        content: 'Reading.',
        tool_calls: [
          {
            id: 'c1',
            type: 'function',
            function: { name: 'read_file', arguments: '{"path":"src/a.ts","lines":[1,2]}' },
          },
          { id: 'c2', type: 'function', function: { name: 'bash', arguments: 'not json' } },
        ],
      },
    ]);
    expect(text).toBe('Fix it.\nReading.\nsrc/a.ts\n[1,2]\nnot json');
    // The tool's name and the JSON escapes of the arguments are not what the model reads as facts.
    expect(text).not.toContain('read_file');
    expect(text).not.toContain('"path"');
  });
});
