import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENAI_PRICES_VERSION, Pricing } from './pricing.js';
import type { TokenUsage } from './types.js';

const usage = (u: Partial<TokenUsage>): TokenUsage => ({
  inputTokens: 0,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  ...u,
});

describe('Pricing', () => {
  it('GENAI_PRICES_VERSION matches the installed package', () => {
    const require = createRequire(import.meta.url);
    let dir = dirname(require.resolve('@pydantic/genai-prices'));
    while (!dir.endsWith('genai-prices')) dir = dirname(dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.version).toBe(GENAI_PRICES_VERSION);
  });

  it('prices cache reads, writes and 1-hour writes at their own rates (1h = 2x input)', () => {
    const pricing = new Pricing();
    const model = 'claude-sonnet-4-5-20250929';
    const base = pricing.price('anthropic', model, usage({ inputTokens: 100_000 })).cost!.amount;
    const read = pricing.price(
      'anthropic',
      model,
      usage({ inputTokens: 100_000, cachedInputTokens: 100_000 }),
    ).cost!.amount;
    const write5m = pricing.price(
      'anthropic',
      model,
      usage({ inputTokens: 100_000, cacheWriteTokens: 100_000 }),
    ).cost!.amount;
    const write1h = pricing.price(
      'anthropic',
      model,
      usage({ inputTokens: 100_000, cacheWriteTokens: 100_000, cacheWrite1hTokens: 100_000 }),
    ).cost!.amount;
    expect(read).toBeCloseTo(base * 0.1, 9);
    expect(write5m).toBeCloseTo(base * 1.25, 9);
    expect(write1h).toBeCloseTo(base * 2, 9);
  });

  it('applies the >200k input tier to the whole call', () => {
    const pricing = new Pricing();
    const model = 'claude-sonnet-4-5-20250929';
    const at200k = pricing.price('anthropic', model, usage({ inputTokens: 200_000 })).cost!.amount;
    const above = pricing.price('anthropic', model, usage({ inputTokens: 200_001 })).cost!.amount;
    expect(above / 200_001).toBeCloseTo((2 * at200k) / 200_000, 12);
  });

  it('an unknown model is null with a reason, never 0', () => {
    const r = new Pricing().price('acme', 'no-such-model-xyz', usage({ inputTokens: 10, outputTokens: 5 }));
    expect(r.cost).toBeNull();
    expect(r.reason).toMatch(/unknown model/);
    // Cached negative answers keep giving the reason.
    expect(new Pricing().price('ollama', 'qwen3:8b', usage({ inputTokens: 1 })).cost).toBeNull();
  });

  it('per-model overrides win over the catalog, including tiers', () => {
    const pricing = new Pricing({
      overrides: {
        'gpt-4o': { inputPerMTok: 1, outputPerMTok: 2 },
        'my-local': {
          inputPerMTok: 0.5,
          outputPerMTok: 1,
          tiers: [{ aboveInputTokens: 1000, inputPerMTok: 1, outputPerMTok: 2 }],
        },
      },
    });
    const r = pricing.price('openai', 'gpt-4o', usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 }));
    expect(r.cost).toEqual({ amount: 3, currency: 'USD', pricingVersion: 'override' });
    expect(pricing.price('local', 'my-local', usage({ inputTokens: 1000 })).cost!.amount).toBeCloseTo(
      0.0005,
      12,
    );
    expect(pricing.price('local', 'my-local', usage({ inputTokens: 1001 })).cost!.amount).toBeCloseTo(
      0.001001,
      12,
    );
    expect(
      new Pricing({ catalog: false }).price('openai', 'gpt-4o', usage({ inputTokens: 5 })).cost,
    ).toBeNull();
  });

  it('the cached fast path equals genai-prices calcPrice for any usage (property)', () => {
    const models: Array<[string, string]> = [
      ['anthropic', 'claude-sonnet-4-5-20250929'],
      ['anthropic', 'claude-opus-4-6'],
      ['anthropic', 'claude-haiku-4-5-20251001'],
      ['openai', 'gpt-4o'],
      ['openai', 'o4-mini'],
      ['google', 'gemini-2.5-pro'],
    ];
    const pricing = new Pricing();
    const now = new Date();
    for (const [p, m] of models) pricing.price(p, m, usage({ inputTokens: 1 }), now);
    fc.assert(
      fc.property(
        fc.constantFrom(...models),
        fc.nat({ max: 400_000 }),
        fc.nat({ max: 400_000 }),
        fc.nat({ max: 400_000 }),
        fc.nat({ max: 400_000 }),
        fc.nat({ max: 50_000 }),
        ([provider, model], a, b, c, d, out) => {
          const u = usage({
            inputTokens: a + b + c,
            cachedInputTokens: b,
            cacheWriteTokens: c,
            cacheWrite1hTokens: Math.min(c, d),
            outputTokens: out,
          });
          const fast = pricing.price(provider, model, u, now).cost!.amount;
          const providerId = provider === 'google' ? 'google' : provider;
          const slow = calcPrice(
            {
              input_tokens: u.inputTokens,
              cache_read_tokens: u.cachedInputTokens,
              cache_write_tokens: u.cacheWriteTokens,
              cache_write_1h_tokens: u.cacheWrite1hTokens,
              output_tokens: u.outputTokens,
            },
            model,
            { providerId, timestamp: now },
          )!.total_price;
          return Math.abs(fast - slow) < 1e-8;
        },
      ),
      { numRuns: 300 },
    );
  });
});
