import { createTokenizer, detectModel } from '@ctxkit/tokenizers';
import type { Command } from 'commander';
import { emit } from '../context.js';
import { int } from '../output/format.js';
import type { ContextFactory } from '../program.js';

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
      if (detection.vocabulary === 'fallback') ctx.warn(`unknown model "${model}": counts will be estimates`);
      emit(ctx, { provider, model, tokenizer: tokenizerId, ...detection }, () => {
        const c = ctx.colors;
        return [
          `${c.bold(model)}${provider ? ` at ${provider}` : ''}`,
          `  vocabulary  ${detection.vocabulary} (${tokenizerId})`,
          `  counts      ${detection.exact ? c.green('exact') : c.yellow('estimate')}`,
          `  family      ${detection.family}`,
          `  context     ${detection.contextWindow ? `${int(detection.contextWindow)} tokens` : 'unknown'}`,
          `  why         ${detection.reason}`,
        ].join('\n');
      });
    });
}
