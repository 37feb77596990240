import { createTokenizer, detectModel } from '@ctxkit/tokenizers';
import type { Command } from 'commander';
import { emit } from '../context.js';
import { int } from '../output/format.js';
import type { ContextFactory } from '../program.js';

/**
 * What an Ollama user needs to know before trusting `context`: Ollama serves a model with `num_ctx`
 * tokens of context, which defaults to far less than the model's maximum, and cuts longer prompts
 * silently (it keeps the end), so the window to plan for is num_ctx.
 */
export function ollamaNumCtxNote(contextWindow: number | undefined): string {
  const max = contextWindow ? ` (${int(contextWindow)} tokens is the model's maximum)` : '';
  return (
    `Ollama serves a model with num_ctx tokens of context${max}, and its default is small ` +
    '(2,048–8,192 tokens depending on the version and memory); a longer prompt is cut from the start ' +
    'without an error. See what is loaded with `ollama ps` (CONTEXT), raise it with ' +
    '`OLLAMA_CONTEXT_LENGTH=32768 ollama serve`, a Modelfile `PARAMETER num_ctx 32768` or the ' +
    'request option `num_ctx`, and pass that same number as `--limit` to ctxkit replay.'
  );
}

/** `ctxkit detect <provider> <model>`: which vocabulary counts for a model, exact or not, and why. */
export function registerDetect(program: Command, context: ContextFactory): void {
  program
    .command('detect')
    .description('show which vocabulary counts tokens for a model, whether counts are exact, and why')
    .argument('<provider>', 'provider name, e.g. openai, anthropic, ollama, openrouter (use "" if unknown)')
    .argument('<model>', 'model id, e.g. gpt-4o, claude-sonnet-4-5, qwen3:8b')
    .option('--json', 'print the detection as JSON')
    .action((provider: string, model: string, options: { json?: boolean }) => {
      const ctx = context(options);
      const detection = detectModel(provider, model);
      const tokenizerId = createTokenizer(provider, model).id;
      if (detection.family === 'unknown') ctx.warn(`unknown model "${model}": counts will be estimates`);
      else if (detection.vocabulary === 'fallback') {
        ctx.warn(`no public vocabulary for "${model}" (${detection.family}): counts will be estimates`);
      }
      const note =
        provider.trim().toLowerCase() === 'ollama' ? ollamaNumCtxNote(detection.contextWindow) : undefined;
      const data = { provider, model, tokenizer: tokenizerId, ...detection, ...(note ? { note } : {}) };
      emit(ctx, data, () => {
        const c = ctx.colors;
        return [
          `${c.bold(model)}${provider ? ` at ${provider}` : ''}`,
          `  vocabulary  ${detection.vocabulary} (${tokenizerId})`,
          `  counts      ${detection.exact ? c.green('exact') : c.yellow('estimate')}`,
          `  family      ${detection.family}`,
          `  context     ${detection.contextWindow ? `${int(detection.contextWindow)} tokens` : 'unknown'}`,
          `  why         ${detection.reason}`,
          ...(note ? [`  note        ${note}`] : []),
        ].join('\n');
      });
    });
}
