/** A model a local Ollama server has pulled. */
export interface OllamaModel {
  name: string;
  size: number;
}

/** The Ollama server `ctxkit` looks for unless told otherwise. */
export const DEFAULT_OLLAMA_URL = 'http://127.0.0.1:11434';

/**
 * Asks an Ollama server which models it has (`GET /api/tags`), giving up after
 * `timeoutMs` so a machine without Ollama costs the replay almost nothing.
 * Resolves to `undefined` when nothing answers.
 */
export async function probeOllama(
  url = DEFAULT_OLLAMA_URL,
  timeoutMs = 300,
): Promise<OllamaModel[] | undefined> {
  try {
    const res = await fetch(new URL('/api/tags', url), { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { models?: { name?: unknown; size?: unknown }[] };
    return (body.models ?? [])
      .filter((m) => typeof m.name === 'string')
      .map((m) => ({ name: m.name as string, size: typeof m.size === 'number' ? m.size : 0 }));
  } catch {
    return undefined;
  }
}

/** The smallest pulled model: summarizing on a laptop-class machine should not take minutes. */
export function smallestModel(models: readonly OllamaModel[]): string | undefined {
  // Embedding-only models cannot summarize.
  const chat = models.filter((m) => !/embed/i.test(m.name));
  return [...chat].sort((a, b) => a.size - b.size)[0]?.name;
}
