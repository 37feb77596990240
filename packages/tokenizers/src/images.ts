import type { ImagePart } from '@ctxkit/core';
import type { ImagePolicy } from './framing.js';

/** Size assumed when an image carries no width/height: a 1024×1024 screenshot. */
export const DEFAULT_IMAGE_SIDE = 1024;

const valid = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;

/**
 * OpenAI (GPT-4o family): `detail: low` is 85; otherwise fit into 2048×2048, scale the
 * shortest side to 768, then 170 per 512-px tile + 85 (OpenAI vision pricing docs).
 * @param width - image width in pixels.
 * @param height - image height in pixels.
 * @param detail - OpenAI's `low`, `high` or `auto`; `low` is a flat 85 tokens.
 */
export function openaiImageTokens(width: number, height: number, detail?: string): number {
  if (detail === 'low') return 85;
  let w = width;
  let h = height;
  const fit = Math.min(1, 2048 / Math.max(w, h));
  w *= fit;
  h *= fit;
  const shrink = Math.min(1, 768 / Math.min(w, h));
  w *= shrink;
  h *= shrink;
  return 170 * Math.ceil(w / 512) * Math.ceil(h / 512) + 85;
}

/**
 * Anthropic: width×height/750 after the API's resize to a 1568-px long edge and about
 * 1.15 megapixels (Anthropic vision docs), so at most ~1,600 tokens.
 * @param width - image width in pixels.
 * @param height - image height in pixels.
 */
export function anthropicImageTokens(width: number, height: number): number {
  let w = width;
  let h = height;
  const edge = Math.min(1, 1568 / Math.max(w, h));
  w *= edge;
  h *= edge;
  const area = Math.min(1, Math.sqrt(1_191_016 / (w * h)));
  w *= area;
  h *= area;
  return Math.ceil((w * h) / 750);
}

/**
 * Patch-based vision encoders (Qwen2.5-VL 28 px, Pixtral 16 px): one token per patch plus one per row.
 * @param width - image width in pixels.
 * @param height - image height in pixels.
 * @param patch - the encoder's patch side in pixels.
 * @param maxSide - the longest side the image is scaled down to first.
 */
export function patchImageTokens(width: number, height: number, patch: number, maxSide: number): number {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const cols = Math.ceil((width * scale) / patch);
  const rows = Math.ceil((height * scale) / patch);
  return cols * rows + rows;
}

/**
 * Tokens one image costs under a provider's policy; unknown sizes assume {@link DEFAULT_IMAGE_SIDE}.
 * @param image - the image's `width`, `height` and `detail`, any of them absent.
 * @param policy - the provider's image-pricing policy.
 */
export function imageTokens(
  image: Pick<ImagePart, 'width' | 'height' | 'detail'>,
  policy: ImagePolicy,
): number {
  const known = valid(image.width) && valid(image.height);
  const w = known ? (image.width as number) : DEFAULT_IMAGE_SIDE;
  const h = known ? (image.height as number) : DEFAULT_IMAGE_SIDE;
  switch (policy.kind) {
    case 'openai':
      return openaiImageTokens(w, h, image.detail);
    case 'anthropic':
      return anthropicImageTokens(w, h);
    case 'flat':
      return policy.tokens;
    case 'patches':
      return patchImageTokens(w, h, policy.patch, policy.maxSide);
  }
}
