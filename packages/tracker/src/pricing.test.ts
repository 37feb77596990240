import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLocalModel, routeCandidates } from './model-routes.js';
import { GENAI_PRICES_VERSION, LOCAL_COST_REASON, Pricing } from './pricing.js';
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
    // Cached negative answers keep giving the reason. (A hosted provider: Ollama is local, priced 0.)
    const pricing = new Pricing();
    for (let i = 0; i < 2; i++) {
      const again = pricing.price('together', 'qwen3:8b', usage({ inputTokens: 1 }));
      expect(again.cost).toBeNull();
      expect(again.reason).toMatch(/unknown model/);
    }
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

describe('Pricing: routed model ids and local models', () => {
  const u = usage({
    inputTokens: 120_000,
    cachedInputTokens: 100_000,
    cacheWriteTokens: 5_000,
    outputTokens: 2_000,
  });
  const direct = (providerId: string, model: string) =>
    calcPrice(
      {
        input_tokens: u.inputTokens,
        cache_read_tokens: u.cachedInputTokens,
        cache_write_tokens: u.cacheWriteTokens,
        output_tokens: u.outputTokens,
      },
      model,
      { providerId },
    )!.total_price;

  it('a Bedrock cross-region id logged under provider anthropic is priced at its Bedrock price', () => {
    const pricing = new Pricing();
    for (const model of [
      'jp.anthropic.claude-haiku-4-5-20251001-v1:0',
      'converse/eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    ]) {
      const priced = pricing.price('anthropic', model, u);
      expect(priced.cost, model).not.toBeNull();
      expect(priced.cost!.amount).toBeCloseTo(direct('aws', model.replace(/^converse\//, '')), 9);
      expect(priced.reason).toMatch(/^priced as aws\//);
    }
    // Bedrock's regional endpoints cost more than Anthropic's API for the 4.5 models (the catalog says so).
    const bedrock = pricing.price('anthropic', 'us.anthropic.claude-haiku-4-5-20251001-v1:0', u).cost!.amount;
    const api = pricing.price('anthropic', 'claude-haiku-4-5-20251001', u).cost!.amount;
    expect(bedrock).toBeGreaterThan(api);
  });

  it('Vertex `@date` and gateway `vendor/model` ids price as the vendor model', () => {
    const pricing = new Pricing();
    const api = pricing.price('anthropic', 'claude-sonnet-4-5-20250929', u).cost!.amount;
    expect(pricing.price('vertex', 'claude-sonnet-4-5@20250929', u).cost!.amount).toBeCloseTo(api, 9);
    expect(pricing.price('openrouter', 'anthropic/claude-sonnet-4-5', u).cost!.amount).toBeCloseTo(api, 9);
    expect(pricing.price('anthropic', 'anthropic/claude-sonnet-4-5-20250929', u).cost!.amount).toBeCloseTo(
      api,
      9,
    );
    expect(pricing.price('litellm', 'openai/gpt-4o', u).cost).not.toBeNull();
    // A route to a model the catalog does not know stays unpriced.
    expect(pricing.price('bedrock', 'us.anthropic.claude-nonexistent-9-v1:0', u).cost).toBeNull();
  });

  it('local runtimes cost 0 with reason local; loopback base URLs count as local; overrides win', () => {
    const pricing = new Pricing({ overrides: { 'my-gpu-model': { inputPerMTok: 1, outputPerMTok: 1 } } });
    for (const provider of ['ollama', 'Ollama', 'llama.cpp', 'llamacpp', 'LM Studio', 'lmstudio']) {
      const priced = pricing.price(provider, 'qwen3:8b', u);
      expect(priced, provider).toEqual({
        cost: { amount: 0, currency: 'USD', pricingVersion: LOCAL_COST_REASON },
        reason: LOCAL_COST_REASON,
      });
    }
    // An unknown model stays unknown on a remote endpoint and becomes local on a loopback one.
    expect(
      pricing.price('openai-compatible', 'qwen3', u, new Date(), { baseUrl: 'https://x.example' }).cost,
    ).toBeNull();
    for (const baseUrl of ['http://localhost:1234/v1', 'http://127.0.0.1:8080', 'http://[::1]:11434']) {
      expect(pricing.price('openai-compatible', 'qwen3', u, new Date(), { baseUrl }).reason).toBe('local');
    }
    expect(pricing.price('ollama', 'my-gpu-model', u).cost!.amount).toBeGreaterThan(0);
    // Ollama's cloud models run remotely.
    expect(pricing.price('ollama', 'gpt-oss:120b-cloud', u).reason).not.toBe('local');
    expect(isLocalModel('openai', 'gpt-4o', 'not a url')).toBe(false);
  });

  it('routeCandidates: the route catalog first, then the vendor with the bare name', () => {
    expect(routeCandidates('jp.anthropic.claude-haiku-4-5-20251001-v1:0')).toEqual([
      { providerId: 'aws', model: 'jp.anthropic.claude-haiku-4-5-20251001-v1:0' },
      { providerId: 'aws', model: 'claude-haiku-4-5-20251001' },
      { providerId: 'anthropic', model: 'claude-haiku-4-5-20251001' },
    ]);
    expect(routeCandidates('claude-opus-4-1@20250805').map((c) => c.model)).toContain(
      'claude-opus-4-1-20250805',
    );
    expect(routeCandidates('gpt-4o')).toEqual([]);
  });
});
