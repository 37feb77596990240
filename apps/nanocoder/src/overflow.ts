/**
 * Reads a context-overflow rejection from the error Nanocoder's chat handler
 * throws (it embeds the provider's message): llama.cpp's
 * `exceeds the available context size (N tokens > W)` / `"n_ctx":W`, OpenAI's
 * `maximum context length is W tokens … resulted in N tokens`. `undefined`
 * when the error is not an overflow or names no window.
 *
 * @param error - what the chat handler threw; an `Error`'s `message` is read, anything else as
 *   `String(error)`
 */
export function overflowWindow(error: unknown): { limit: number; sent?: number } | undefined {
  const text = error instanceof Error ? error.message : String(error);
  if (!/context|too long|maximum|exceed/i.test(text)) return undefined;
  const llama = /\((\d+) tokens > (\d+)\)/.exec(text);
  if (llama) return { sent: Number(llama[1]), limit: Number(llama[2]) };
  const nctx = /"n_ctx"\s*:\s*(\d+)/.exec(text);
  if (nctx) return { limit: Number(nctx[1]) };
  const openai = /maximum context length is (\d+) tokens(?:[^\d]+(\d+) tokens)?/i.exec(text);
  if (openai) return { limit: Number(openai[1]), ...(openai[2] ? { sent: Number(openai[2]) } : {}) };
  return undefined;
}
