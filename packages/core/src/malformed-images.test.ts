import { describe, expect, it } from 'vitest';
import { fromAnthropic, toAnthropic } from './convert/anthropic.js';
import { fromNanocoder, type NanocoderMessage, toNanocoder } from './convert/nanocoder.js';
import { fromOpenAIChat, type OpenAIChatMessage, toOpenAIChat } from './convert/openai.js';
import { CtxkitError } from './errors.js';
import { assertMessage } from './message-check.js';
import { repairConversation } from './repair.js';
import type { Message } from './types.js';
import { validateConversation } from './validate.js';

function sparse(): unknown[] {
  const a: unknown[] = [];
  a[1] = { data: 'iVBOR', mediaType: 'image/png' };
  return a;
}

/** Malformed `images` values, each with what the problem must name. */
const MALFORMED_IMAGES: { images: unknown; reason: RegExp }[] = [
  { images: [null], reason: /image 0 is null/ },
  { images: 5, reason: /images is number, not an array/ },
  { images: 'abc', reason: /images is a string .*not an array/ },
  { images: { data: 'x', mediaType: 'image/png' }, reason: /images is object, not an array/ },
  { images: [{ data: 'iVBOR', mediaType: 'image/png' }, 7], reason: /image 1 is number/ },
  { images: [{ mediaType: 'image/png' }], reason: /image 0 has no data string/ },
  { images: [{ data: 'iVBOR', mediaType: null }], reason: /image 0 has no mediaType string/ },
  { images: [{ data: 'iVBOR', mediaType: 'image/png', width: -3, height: 10 }], reason: /width -3/ },
  {
    images: [{ data: 'iVBOR', mediaType: 'image/png', width: 10, height: '10' }],
    reason: /height of type string/,
  },
  // A hole in a sparse array is no image either.
  { images: sparse(), reason: /image 0 is missing/ },
];

const withImages = (images: unknown): Message =>
  ({ role: 'user', content: 'look', images }) as unknown as Message;

/** The error `fn` throws; it must be a CtxkitError (a TypeError fails the test). */
function thrown(fn: () => unknown): CtxkitError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CtxkitError);
  return error as CtxkitError;
}

describe('malformed images', () => {
  for (const { images, reason } of MALFORMED_IMAGES) {
    const label = JSON.stringify(images) ?? String(images);
    it(`validateConversation reports images ${label}`, () => {
      const problems = validateConversation([withImages(images)]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ kind: 'invalid_content', index: 0 });
      expect(problems[0]?.message).toMatch(reason);
    });

    it(`assertMessage, the converters and repair throw INVALID_MESSAGE for images ${label}`, () => {
      const bad = withImages(images);
      for (const run of [
        () => assertMessage(bad, 0),
        () => toOpenAIChat([bad]),
        () => toAnthropic([bad]),
        () => toNanocoder([bad]),
        () => repairConversation([bad]),
        // Nanocoder's images carry no size, so a bad size does not survive fromNanocoder.
        ...(/width|height/.test(reason.source)
          ? []
          : [
              () => fromNanocoder([{ role: 'user', content: 'look', images } as unknown as NanocoderMessage]),
            ]),
      ]) {
        const error = thrown(run);
        expect(error.code).toBe('INVALID_MESSAGE');
        expect(error.message).toMatch(reason);
      }
    });
  }

  it('well-formed images still pass and convert', () => {
    const good = withImages([{ data: 'iVBOR', mediaType: 'image/png', width: 640, height: 480 }]);
    expect(validateConversation([good])).toEqual([]);
    expect(toNanocoder([good])[0]?.images).toEqual([{ data: 'iVBOR', mediaType: 'image/png' }]);
    expect(toOpenAIChat([good])[0]?.content).toContainEqual({
      type: 'image_url',
      image_url: { url: 'data:image/png;base64,iVBOR' },
    });
  });

  it('an image content part with a bad size is invalid content', () => {
    const part = { role: 'user', content: [{ type: 'image', mediaType: 'image/png', data: 'x', width: 0 }] };
    expect(validateConversation([part])[0]?.kind).toBe('invalid_content');
  });

  it('fromOpenAIChat and fromAnthropic reject image parts without a url or source, typed', () => {
    const openai = [
      { role: 'user', content: [{ type: 'image_url', image_url: null }] },
      { role: 'user', content: [{ type: 'image_url' }] },
      { role: 'user', content: [null] },
    ] as unknown as OpenAIChatMessage[];
    for (const m of openai) expect(thrown(() => fromOpenAIChat([m])).code).toBe('INVALID_MESSAGE');
    const anthropic = { messages: [{ role: 'user', content: [{ type: 'image', source: null }] }] };
    expect(thrown(() => fromAnthropic(anthropic as never)).code).toBe('INVALID_MESSAGE');
  });
});
