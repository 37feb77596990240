import {
  type ModelPrice as CatalogPrice,
  calcPrice,
  type PriceCalculationResult,
  type Provider,
} from '@pydantic/genai-prices';
import { isLocalModel, routeCandidates } from './model-routes.js';
import type { CostInfo, TokenUsage } from './types.js';

/** `costReason` of a call priced at 0 because it ran on a local runtime (see {@link isLocalModel}). */
export const LOCAL_COST_REASON = 'local';

/** Where a call was sent, when the caller knows (lets a loopback endpoint price as local). */
export interface PriceContext {
  /** Base URL of the endpoint called, e.g. `http://127.0.0.1:11434`. */
  baseUrl?: string;
}

/** Version of the bundled `@pydantic/genai-prices` snapshot (pinned exactly in package.json; a test checks it). */
export const GENAI_PRICES_VERSION = '0.1.8';

/** Prices per million tokens for one model; what {@link PricingOptions.overrides} takes. */
export interface PriceOverride {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Cache reads; defaults to the input price. */
  cacheReadPerMTok?: number;
  /** 5-minute cache writes; defaults to the input price. */
  cacheWritePerMTok?: number;
  /** 1-hour cache writes; defaults to the 5-minute write price. */
  cacheWrite1hPerMTok?: number;
  /**
   * Long-context tiers: when the call's whole input exceeds `aboveInputTokens`, every token of the
   * call is priced at the tier's rates (how Anthropic and Google price >200k prompts).
   */
  tiers?: Array<{ aboveInputTokens: number } & Omit<PriceOverride, 'tiers'>>;
}

/** Options of {@link Pricing}. */
export interface PricingOptions {
  /** Prices by model name (or `provider/model`), used before the catalog. */
  overrides?: Record<string, PriceOverride>;
  /**
   * Set false to price only the overrides (everything else gets `cost: null`).
   * @default true
   */
  catalog?: boolean;
}

/** A priced call: the cost, or null and why. */
export interface PriceResult {
  cost: CostInfo | null;
  reason: string;
}

// Our provider names → genai-prices provider ids.
const PROVIDER_IDS: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'google',
  gemini: 'google',
  vertex: 'google',
  mistral: 'mistral',
  deepseek: 'deepseek',
  groq: 'groq',
  openrouter: 'openrouter',
  xai: 'x-ai',
  bedrock: 'aws',
  azure: 'azure',
};

/**
 * Prices calls offline from the `@pydantic/genai-prices` snapshot (cache reads and writes, 1-hour cache
 * writes, >200k tiers), with per-model overrides. An unknown model is priced `null` with a reason —
 * never 0, so totals can say they are incomplete instead of silently under-reporting.
 */
export class Pricing {
  private readonly overrides: Map<string, Provider>;
  private readonly catalog: boolean;
  private readonly resolved = new Map<string, Resolved>();

  constructor(options: PricingOptions = {}) {
    this.catalog = options.catalog ?? true;
    this.overrides = new Map(
      Object.entries(options.overrides ?? {}).map(([name, price]) => [name, overrideProvider(name, price)]),
    );
  }

  /**
   * Prices one call's usage. Never throws: pricing problems become `cost: null` with the reason.
   * The first call per model resolves it through `calcPrice` (≈0.1–0.4 ms: model matching and unit
   * decomposition); later calls reuse the resolved price table with the same arithmetic (≈1 µs), which a
   * property test checks against `calcPrice` itself. Models with time-dependent prices always go
   * through `calcPrice` with the call's timestamp.
   *
   * A model run locally (Ollama, llama.cpp, LM Studio, or any loopback `baseUrl`) costs 0 with the
   * reason {@link LOCAL_COST_REASON}, unless an override prices it. An id spelt with its route
   * (Bedrock `jp.anthropic.…-v1:0`, `converse/…`, Vertex `…@20250929`, gateway `anthropic/…`) that has
   * no price as written is priced by the route's catalog, else by its vendor's bare model name.
   *
   * @param at - time of the call (prices can change over time) @default now
   * @param context - where the call was sent, when known
   */
  price(
    provider: string,
    model: string,
    usage: TokenUsage,
    at: Date = new Date(),
    context: PriceContext = {},
  ): PriceResult {
    const amounts = {
      input_tokens: usage.inputTokens,
      cache_read_tokens: usage.cachedInputTokens,
      cache_write_tokens: usage.cacheWriteTokens,
      cache_write_1h_tokens: usage.cacheWrite1hTokens ?? 0,
      output_tokens: usage.outputTokens,
    };
    const key = `${provider}\u0000${model}`;
    // Checked before the cache: the same provider/model may be local at one base URL and not another.
    if (
      !this.overrides.has(`${provider}/${model}`) &&
      !this.overrides.has(model) &&
      isLocalModel(provider, model, context.baseUrl)
    ) {
      return { cost: costOf(0, LOCAL_COST_REASON), reason: LOCAL_COST_REASON };
    }
    const cached = this.resolved.get(key);
    if (cached) {
      if (!cached.table) return { cost: null, reason: cached.reason };
      return { cost: costOf(priceWithTable(cached.table, usage), cached.version), reason: cached.reason };
    }
    try {
      const override = this.overrides.get(`${provider}/${model}`) ?? this.overrides.get(model);
      let result: PriceCalculationResult = null;
      let version = `genai-prices@${GENAI_PRICES_VERSION}`;
      let reason: string;
      if (override) {
        result = calcPrice(amounts, model, { provider: override, timestamp: at });
        version = 'override';
      }
      if (!result && !this.catalog) {
        reason = `no price override for ${model} and the catalog is off`;
        this.resolved.set(key, { table: undefined, version, reason });
        return { cost: null, reason };
      }
      if (!result) {
        const providerId = PROVIDER_IDS[provider.toLowerCase()];
        result =
          (providerId ? calcPrice(amounts, model, { providerId, timestamp: at }) : null) ??
          calcPrice(amounts, model, { timestamp: at });
        for (const route of result ? [] : routeCandidates(model)) {
          result = route.providerId
            ? calcPrice(amounts, route.model, { providerId: route.providerId, timestamp: at })
            : calcPrice(amounts, route.model, { timestamp: at });
          if (result) break;
        }
      }
      if (!result) {
        reason = `unknown model: ${provider}/${model} has no price in genai-prices@${GENAI_PRICES_VERSION}`;
        this.resolved.set(key, { table: undefined, version, reason });
        return { cost: null, reason };
      }
      reason =
        version === 'override' ? 'price override' : `priced as ${result.provider.id}/${result.model.id}`;
      // Time-dependent prices (start dates, off-peak hours) are not cached: each call needs its own.
      if (!Array.isArray(result.model.prices)) {
        this.resolved.set(key, { table: result.model_price, version, reason });
      }
      return { cost: costOf(result.total_price, version), reason };
    } catch (error) {
      return { cost: null, reason: `pricing failed: ${(error as Error).message}` };
    }
  }
}

interface Resolved {
  table: CatalogPrice | undefined;
  version: string;
  reason: string;
}

type PriceValue = number | { base: number; tiers: Array<{ start: number; price: number }> } | undefined;

/** Rate per token for a (possibly tiered) price: the last tier whose start the total input exceeds. */
function rate(value: PriceValue, totalInput: number): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value / 1e6;
  let price = value.base;
  for (const tier of value.tiers) if (totalInput > tier.start) price = tier.price;
  return price / 1e6;
}

/**
 * genai-prices' decomposition for text usage: each priced unit is charged for the tokens not claimed by
 * a priced descendant (1h writes ⊂ cache writes ⊂ input; cache reads ⊂ input).
 */
function priceWithTable(table: CatalogPrice, usage: TokenUsage): number {
  const t = table as Record<string, PriceValue>;
  const total = usage.inputTokens;
  const hasRead = t.cache_read_mtok !== undefined;
  const hasWrite = t.cache_write_mtok !== undefined;
  const has1h = hasWrite && t.cache_write_1h_mtok !== undefined;
  const write1h = has1h ? (usage.cacheWrite1hTokens ?? 0) : 0;
  const write = hasWrite ? usage.cacheWriteTokens - write1h : 0;
  const read = hasRead ? usage.cachedInputTokens : 0;
  const plain = total - read - (hasWrite ? usage.cacheWriteTokens : 0);
  const requests = t.requests_kcount;
  return (
    plain * rate(t.input_mtok, total) +
    read * rate(t.cache_read_mtok, total) +
    write * rate(t.cache_write_mtok, total) +
    write1h * rate(t.cache_write_1h_mtok, total) +
    usage.outputTokens * rate(t.output_mtok, total) +
    (typeof requests === 'number' ? requests / 1000 : 0)
  );
}

function costOf(amount: number, pricingVersion: string): CostInfo {
  // Round to 1e-9 USD so sums of floats stay stable across runs and stores.
  return { amount: Math.round(amount * 1e9) / 1e9, currency: 'USD', pricingVersion };
}

function overrideProvider(name: string, price: PriceOverride): Provider {
  const model = name.includes('/') ? name.slice(name.indexOf('/') + 1) : name;
  const key = (pick: (p: Omit<PriceOverride, 'tiers'>) => number) => {
    const base = pick(price);
    if (!price.tiers?.length) return base;
    return { base, tiers: price.tiers.map((t) => ({ start: t.aboveInputTokens, price: pick(t) })) };
  };
  const prices: CatalogPrice = {
    input_mtok: key((p) => p.inputPerMTok),
    output_mtok: key((p) => p.outputPerMTok),
    cache_read_mtok: key((p) => p.cacheReadPerMTok ?? p.inputPerMTok),
    cache_write_mtok: key((p) => p.cacheWritePerMTok ?? p.inputPerMTok),
    cache_write_1h_mtok: key((p) => p.cacheWrite1hPerMTok ?? p.cacheWritePerMTok ?? p.inputPerMTok),
  } as CatalogPrice;
  return {
    id: 'ctxkit-override',
    name: 'ctxkit price override',
    api_pattern: '.*',
    models: [{ id: model, match: { equals: model }, prices }],
  };
}
