/**
 * Model ids as provider routes spell them (Bedrock, Vertex, OpenRouter-style gateways, LiteLLM's
 * `converse/`) and local runtimes (Ollama, llama.cpp, LM Studio): what the pricer tries, in order,
 * when the id as given has no price.
 */

/** A way to price a routed model id: a catalog provider (or none) and the id to look up. */
export interface RouteCandidate {
  /** genai-prices provider id, or undefined to let the catalog guess. */
  providerId: string | undefined;
  model: string;
}

// Bedrock cross-region inference prefixes (`us.`, `eu.`, `jp.`, `apac.`, `global.` …).
const BEDROCK_REGION = /^(?:us|us-gov|eu|jp|apac|au|ca|global)\./;
const BEDROCK_VENDOR = /^(?:anthropic|meta|amazon|mistral|cohere|ai21|deepseek|openai|qwen)\./;
// Bedrock version suffixes: `-v1:0`, `-v2:0`, `:0`.
const BEDROCK_VERSION = /(?:-v\d+(?::\d+)?|:\d+)$/;
// Gateway prefixes that say how a call was routed, not which model ran.
const ROUTE_PREFIX = /^(?:converse|bedrock|bedrock-converse|vertex_ai|vertex|invoke)\//;

// Gateway vendor names → genai-prices provider ids.
const VENDORS: Record<string, string> = {
  anthropic: 'anthropic',
  openai: 'openai',
  google: 'google',
  'meta-llama': 'meta',
  mistralai: 'mistral',
  mistral: 'mistral',
  deepseek: 'deepseek',
  'x-ai': 'x-ai',
  xai: 'x-ai',
  qwen: 'qwen',
  cohere: 'cohere',
};

/**
 * Ways to price a model id whose spelling carries its route, most specific first: the route's own
 * catalog (Bedrock's regional prices live under `aws`), then the vendor with the bare model name.
 * Empty when the id carries no route.
 *
 * @example
 * routeCandidates('jp.anthropic.claude-haiku-4-5-20251001-v1:0');
 * // [{ providerId: 'aws', model: 'jp.anthropic.claude-haiku-4-5-20251001-v1:0' },
 * //  { providerId: 'anthropic', model: 'claude-haiku-4-5-20251001' }]
 *
 * @param model - the model id as recorded (trimmed first), e.g. a Bedrock id with its region and version,
 *   a Vertex `name@version` or a `vendor/name` route
 */
export function routeCandidates(model: string): RouteCandidate[] {
  const out: RouteCandidate[] = [];
  const add = (providerId: string | undefined, id: string) => {
    if (id && !out.some((c) => c.providerId === providerId && c.model === id))
      out.push({ providerId, model: id });
  };
  const id = model.trim().replace(ROUTE_PREFIX, '');
  if (BEDROCK_REGION.test(id) || BEDROCK_VENDOR.test(id)) {
    add('aws', id);
    const bare = id.replace(BEDROCK_REGION, '');
    const vendor = /^([a-z0-9-]+)\./.exec(bare)?.[1];
    const name = bare.replace(BEDROCK_VENDOR, '').replace(BEDROCK_VERSION, '');
    if (vendor && BEDROCK_VENDOR.test(`${vendor}.`)) {
      add('aws', name);
      add(VENDORS[vendor] ?? vendor, name);
    }
    return out;
  }
  const at = /^(.+)@(\d{8}|latest|default)$/.exec(id);
  if (at) {
    // Vertex: `claude-sonnet-4-5@20250929` is Anthropic's `claude-sonnet-4-5-20250929`.
    add('google', id);
    const [, name, version] = at as unknown as [string, string, string];
    const vendor = name.startsWith('claude') ? 'anthropic' : name.startsWith('gemini') ? 'google' : undefined;
    add(vendor, /^\d{8}$/.test(version) ? `${name}-${version}` : name);
    add(vendor, name);
    return out;
  }
  const slash = /^([a-z0-9-]+)\/(.+)$/i.exec(id);
  if (slash) {
    const [, vendor, name] = slash as unknown as [string, string, string];
    add('openrouter', id);
    const providerId = VENDORS[vendor.toLowerCase()];
    add(providerId, name);
    // Gateways spell versions with dots (`claude-sonnet-4.5`); the vendors use dashes.
    if (/^claude-/.test(name)) add(providerId, name.replace(/(\d)\.(\d)/g, '$1-$2'));
    return out;
  }
  if (id !== model) add(undefined, id);
  return out;
}

// Provider names of runtimes that run models on the user's own machine (compared without
// punctuation or case, so `LM Studio`, `lm-studio` and `lmstudio` are one).
const LOCAL_PROVIDERS = new Set(['ollama', 'llamacpp', 'lmstudio', 'local', 'localai', 'koboldcpp', 'jan']);

/**
 * Whether a call ran on a local runtime and so costs nothing per token: a local provider name
 * (Ollama, llama.cpp, LM Studio, LocalAI, KoboldCpp, Jan) or a loopback base URL (`localhost`,
 * `127.x.x.x`, `::1`, `0.0.0.0`). Ollama's `-cloud` models run on ollama.com and are not local.
 *
 * @param provider - provider name as recorded (any case or punctuation)
 * @param model - model id (to tell Ollama's cloud models apart)
 * @param baseUrl - the endpoint the client called, when known
 */
export function isLocalModel(provider: string, model: string, baseUrl?: string): boolean {
  if (/[-:]cloud$/i.test(model)) return false;
  if (LOCAL_PROVIDERS.has(provider.toLowerCase().replace(/[^a-z0-9]/g, ''))) return true;
  if (!baseUrl) return false;
  let host: string;
  try {
    host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  return host === 'localhost' || host === '::1' || host === '0.0.0.0' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
