/**
 * Usage as the AI SDK's provider layer reports it for one model call
 * (`LanguageModelV3Usage`): richer than what Nanocoder keeps, which is only
 * input/output/total — cache reads/writes and reasoning tokens are dropped there.
 */
export interface ProviderCallUsage {
  inputTokens: { total?: number; noCache?: number; cacheRead?: number; cacheWrite?: number };
  outputTokens: { total?: number; text?: number; reasoning?: number };
  /** The provider's own usage object (e.g. OpenAI's `prompt_tokens_details`). */
  raw?: Record<string, unknown>;
}

/** What a tapped call reports. */
export interface TappedCall {
  usage: ProviderCallUsage;
  /** The model the provider says answered, when it says so. */
  responseModel?: string;
  /** The AI SDK provider id, e.g. `local.chat`. */
  provider?: string;
  modelId?: string;
  /** Milliseconds from the request to the end of the response. */
  durationMs?: number;
  /** Tools the response called, by name (name → count). */
  tools?: Record<string, number>;
}

interface StreamResult {
  stream: ReadableStream<{ type: string; usage?: ProviderCallUsage; modelId?: string; toolName?: string }>;
}

/** Counts tool calls by name. */
function countTools(
  parts: Iterable<{ type: string; toolName?: string }>,
): Record<string, number> | undefined {
  let out: Record<string, number> | undefined;
  for (const p of parts) {
    if (p.type !== 'tool-call' || typeof p.toolName !== 'string') continue;
    out ??= {};
    out[p.toolName] = (out[p.toolName] ?? 0) + 1;
  }
  return out;
}

/**
 * Wraps an AI SDK language model so every `doStream`/`doGenerate` reports its
 * usage to `onCall` — without changing what the SDK sees (the stream parts pass
 * through untouched). A wrapper, not a fork: any property not intercepted is
 * the model's own.
 *
 * @param model - the AI SDK language model; returned unchanged when it has neither `doStream` nor
 *   `doGenerate`
 * @param onCall - called once per finished call with its usage, model, duration and tool calls
 */
export function tapLanguageModel<M extends object>(model: M, onCall: (call: TappedCall) => void): M {
  const base = model as unknown as {
    provider?: string;
    modelId?: string;
    doStream?: (options: unknown) => Promise<StreamResult>;
    doGenerate?: (options: unknown) => Promise<{
      usage?: ProviderCallUsage;
      response?: { modelId?: string };
      content?: Array<{ type: string; toolName?: string }>;
    }>;
  };
  if (typeof base.doStream !== 'function' && typeof base.doGenerate !== 'function') return model;
  const info = () => ({
    ...(base.provider ? { provider: base.provider } : {}),
    ...(base.modelId ? { modelId: base.modelId } : {}),
  });
  /** Reports one finished call that started at `started` (a `performance.now()` reading). */
  const report = (
    usage: ProviderCallUsage,
    started: number,
    responseModel: string | undefined,
    tools: Record<string, number> | undefined,
  ) => {
    try {
      onCall({
        usage,
        durationMs: Math.round(performance.now() - started),
        ...info(),
        ...(responseModel ? { responseModel } : {}),
        ...(tools ? { tools } : {}),
      });
    } catch {
      // Usage recording must never break the agent's model call.
    }
  };
  return new Proxy(model, {
    get(target, prop) {
      if (prop === 'doStream' && typeof base.doStream === 'function') {
        return async (options: unknown) => {
          const started = performance.now();
          const result = await (base.doStream as (o: unknown) => Promise<StreamResult>).call(target, options);
          let responseModel: string | undefined;
          const calls: Array<{ type: string; toolName?: string }> = [];
          const stream = result.stream.pipeThrough(
            new TransformStream({
              transform(part, controller) {
                if (part.type === 'response-metadata' && part.modelId) responseModel = part.modelId;
                if (part.type === 'tool-call') calls.push(part);
                if (part.type === 'finish' && part.usage)
                  report(part.usage, started, responseModel, countTools(calls));
                controller.enqueue(part);
              },
            }),
          );
          return { ...result, stream };
        };
      }
      if (prop === 'doGenerate' && typeof base.doGenerate === 'function') {
        return async (options: unknown) => {
          const started = performance.now();
          const result = await (base.doGenerate as NonNullable<typeof base.doGenerate>).call(target, options);
          if (result.usage)
            report(result.usage, started, result.response?.modelId, countTools(result.content ?? []));
          return result;
        };
      }
      // Getters run on the real model (it may use private fields), methods stay bound to it.
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
