import { describe, expect, it } from 'vitest';
import { anthropicImageTokens, imageTokens, openaiImageTokens, patchImageTokens } from './images.js';

describe('image token rules', () => {
  it('OpenAI tile formula matches the examples in OpenAI vision pricing docs', () => {
    expect(openaiImageTokens(1024, 1024, 'high')).toBe(765);
    expect(openaiImageTokens(2048, 4096, 'high')).toBe(1105);
    expect(openaiImageTokens(4096, 8192, 'low')).toBe(85);
  });

  it('Anthropic is width×height/750 after the resize, capped near 1,600', () => {
    expect(anthropicImageTokens(1000, 1000)).toBe(1334);
    expect(anthropicImageTokens(200, 200)).toBe(54);
    expect(anthropicImageTokens(8000, 8000)).toBeLessThanOrEqual(1600);
  });

  it('flat and patch rules; unknown sizes use the documented 1024×1024 default', () => {
    expect(imageTokens({}, { kind: 'flat', tokens: 258 })).toBe(258);
    expect(imageTokens({}, { kind: 'openai' })).toBe(765);
    expect(imageTokens({ width: Number.NaN, height: -1 }, { kind: 'anthropic' })).toBe(
      anthropicImageTokens(1024, 1024),
    );
    expect(patchImageTokens(280, 56, 28, 1280)).toBe(10 * 2 + 2);
  });
});
