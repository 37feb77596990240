import type { Price } from './replay/engine.js';

/** The known price of a model (USD per million tokens), when there is one. */
export function priceFor(_model: string): Price | undefined {
  return undefined;
}
