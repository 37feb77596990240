import { Pricing } from '@ctxkit/tracker';
import type { Pricer } from './replay/replay-conversation.js';

/**
 * A {@link Pricer} for a model from the tracker's offline price catalog, or
 * from explicit prices (USD per million tokens) when given. Prompt-prefix
 * reuse is priced as cache reads. `undefined` when the model has no price.
 */
export function pricerFor(
  provider: string,
  model: string,
  explicit?: { input?: number; output?: number },
): { pricer: Pricer | undefined; reason: string } {
  const overrides =
    explicit && (explicit.input !== undefined || explicit.output !== undefined)
      ? { [model]: { inputPerMTok: explicit.input ?? 0, outputPerMTok: explicit.output ?? 0 } }
      : undefined;
  const pricing = new Pricing(overrides ? { overrides } : {});
  const usage = (input: number, cached: number, output: number) => ({
    inputTokens: input,
    cachedInputTokens: cached,
    cacheWriteTokens: 0,
    outputTokens: output,
    reasoningTokens: 0,
  });
  const probe = pricing.price(provider, model, usage(1000, 0, 1000));
  if (!probe.cost) return { pricer: undefined, reason: probe.reason };
  return {
    reason: probe.reason,
    pricer: {
      label: probe.reason,
      price: (input, cached, output) =>
        pricing.price(provider, model, usage(input, cached, output)).cost?.amount ?? null,
    },
  };
}
