// Hostile record() inputs, shared by the acknowledged-events property test and the fault bench: raw
// provider responses and event inputs whose numbers are anything a buggy or malicious caller could
// pass (Infinity, NaN, 1e306, 1e20, -0, 2^53, negative, fractional, strings, null), with hostile
// option values (latency, tool counts, timestamps) and, now and then, a misspelt key.
import fc from 'fast-check';

/** One record() call: its input and its options. */
export interface HostileCall {
  input: unknown;
  options: Record<string, unknown>;
}

// Mostly plausible counts, so that both outcomes (stored, refused) are common in one run.
const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 40, arbitrary: fc.nat({ max: 2_000_000 }) },
  { weight: 2, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 2, arbitrary: fc.double() },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      Infinity,
      -Infinity,
      Number.NaN,
      1e306,
      1e20,
      -0,
      2 ** 53,
      Number.MAX_SAFE_INTEGER,
      0.5,
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('12', 'abc', '') },
  { weight: 1, arbitrary: fc.constant(null) },
);

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
/** Present one time in twenty (a misspelt key is rare, but must be met). */
const rarely = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 19, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

const anthropicRaw = fc
  .record({
    input_tokens: hostileNumber,
    output_tokens: hostileNumber,
    cache_read_input_tokens: maybe(hostileNumber),
    cache_creation_input_tokens: maybe(hostileNumber),
    w1h: maybe(hostileNumber),
  })
  .map(({ w1h, ...usage }) => ({
    type: 'message',
    model: 'claude-sonnet-4-5-20250929',
    usage: withoutUndefined({
      ...usage,
      ...(w1h !== undefined ? { cache_creation: { ephemeral_1h_input_tokens: w1h } } : {}),
    }),
  }));

const openaiRaw = fc
  .record({ prompt: hostileNumber, completion: hostileNumber, cached: maybe(hostileNumber) })
  .map(({ prompt, completion, cached }) => ({
    object: 'chat.completion',
    model: 'gpt-4o',
    usage: withoutUndefined({
      prompt_tokens: prompt,
      completion_tokens: completion,
      ...(cached !== undefined ? { prompt_tokens_details: { cached_tokens: cached } } : {}),
    }),
  }));

const eventInput = fc
  .record({
    usage: fc.record({
      inputTokens: hostileNumber,
      outputTokens: hostileNumber,
      cachedInputTokens: maybe(hostileNumber),
      cacheWriteTokens: maybe(hostileNumber),
      reasoningTokens: maybe(hostileNumber),
    }),
    latency: maybe(fc.record({ totalMs: hostileNumber })),
    tools: maybe(
      fc.dictionary(
        fc.string({ maxLength: 6 }),
        fc.record({ count: hostileNumber, resultTokens: hostileNumber }),
        { maxKeys: 2 },
      ),
    ),
    model: maybe(fc.constantFrom('gpt-4o', 'claude-haiku-4-5', 'no-such-model', '')),
    provider: maybe(fc.constantFrom('openai', 'anthropic', 'unknown')),
    typo: rarely(fc.constantFrom('sesionId', 'latencyMS')),
  })
  .map(({ usage, typo, ...rest }) => ({
    usage: withoutUndefined(usage),
    ...withoutUndefined(rest),
    ...(typo ? { [typo]: 1 } : {}),
  }));

const hostileOptions = fc
  .record({
    latencyMs: maybe(hostileNumber),
    tools: maybe(fc.dictionary(fc.constantFrom('bash', 'read', 'edit'), hostileNumber, { maxKeys: 2 })),
    timestamp: maybe(
      fc.oneof(
        { weight: 8, arbitrary: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01') }) },
        { weight: 1, arbitrary: fc.date({ noInvalidDate: false }) },
        { weight: 1, arbitrary: fc.constantFrom('2026-01-01T00:00:00Z', 'yesterday', '1e306') },
      ),
    ),
    typo: rarely(fc.constantFrom('sessionId', 'dir', 'latency')),
  })
  .map(({ typo, ...rest }) => ({ ...withoutUndefined(rest), ...(typo ? { [typo]: 'x' } : {}) }));

/** A hostile record() call: a raw response (with hostile options) or an event input. */
export const hostileCall: fc.Arbitrary<HostileCall> = fc.oneof(
  fc.record({ input: anthropicRaw, options: hostileOptions.map((o) => ({ ...o, shape: 'anthropic' })) }),
  fc.record({ input: openaiRaw, options: hostileOptions.map((o) => ({ ...o, shape: 'openai' })) }),
  fc.record({ input: eventInput, options: fc.constant({}) }),
);
