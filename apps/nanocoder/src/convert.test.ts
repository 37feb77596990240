import type { Message } from '@ctxkit/core';
import { convertToModelMessages } from '@nanocollective/nanocoder/dist/ai-sdk-client/converters/message-converter.js';
import { describe, expect, it } from 'vitest';
import { toCtxkit, toNanocoderMessage } from './convert.js';
import type { NanocoderMessage } from './types.js';

// Nanocoder 1.30 sends a user message's images to the provider from `images[]`
// only (its real `convertToModelMessages`, deep-imported from the pinned
// devDependency): an image left anywhere else never reaches the model.
describe('ctxkit → Nanocoder images', () => {
  const png = 'iVBORw0KGgo=';
  const summary: Message = {
    role: 'user',
    content: [
      { type: 'text', text: 'the screenshot:' },
      { type: 'image', mediaType: 'image/png', data: png },
      { type: 'image', mediaType: 'image/jpeg', url: 'https://example.test/a.jpg' },
    ],
  };

  it('an image part with data moves to images[], which Nanocoder sends as an image part', () => {
    const nano = toNanocoderMessage(summary);
    expect(nano.images).toEqual([{ data: png, mediaType: 'image/png' }]);
    // Nothing is left in the text for a dropped image; a URL image, which Nanocoder cannot carry, is named.
    expect(nano.content).toBe('the screenshot:\n[image: https://example.test/a.jpg]');
    const [sent] = convertToModelMessages([nano]);
    expect(sent?.content).toEqual([
      { type: 'text', text: 'the screenshot:\n[image: https://example.test/a.jpg]' },
      { type: 'image', image: `data:image/png;base64,${png}`, mediaType: 'image/png' },
    ]);
  });

  it('the image survives a round trip through the lenient reader', () => {
    const back = toCtxkit(toNanocoderMessage(summary));
    expect(back.images).toEqual([{ data: png, mediaType: 'image/png' }]);
  });

  it('a message ctxkit kept verbatim is the object Nanocoder handed in', () => {
    const original: NanocoderMessage = {
      role: 'user',
      content: 'look',
      images: [{ data: png, mediaType: 'image/png', source: 'clipboard' }],
    };
    const c = toCtxkit(original);
    expect(toNanocoderMessage(c, new Map([[c, original]]))).toBe(original);
  });
});
