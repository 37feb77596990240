import type { Role } from '@ctxkit/core';
import type { Command } from 'commander';
import { emit } from '../context.js';
import { loadConversation } from '../io/load.js';
import { readInputText } from '../io/read-input.js';
import { type ModelOptions, resolveModel } from '../model.js';
import { int, table } from '../output/format.js';
import { startProgress } from '../output/progress.js';
import type { ContextFactory } from '../program.js';

interface CountOptions extends ModelOptions {
  messages?: boolean;
  strict?: boolean;
  json?: boolean;
}

/** `ctxkit count`: tokens per file and in total, or per role for a conversation (`--messages`). */
export function registerCount(program: Command, context: ContextFactory): void {
  program
    .command('count')
    .description('count tokens in files (or standard input); --messages counts a conversation per role')
    .argument('[files...]', 'files to count; - or nothing reads standard input')
    .option(
      '-m, --model <model>',
      'model whose vocabulary counts (default: the one the input names, else gpt-4o)',
    )
    .option('-p, --provider <provider>', 'provider, when the model name alone is ambiguous')
    .option(
      '--messages',
      'treat each file as a conversation (any supported format) and break it down per role',
    )
    .option('--strict', 'with --messages: fail on the first malformed line instead of skipping it')
    .option('--json', 'print the counts as JSON')
    .action((files: string[], options: CountOptions) => {
      const ctx = context(options);
      const inputs = files.length > 0 ? files : ['-'];
      if (options.messages) countConversations(ctx, inputs, options);
      else countTexts(ctx, inputs, options);
    });
}

function countTexts(ctx: ReturnType<ContextFactory>, inputs: string[], options: CountOptions): void {
  const { model, detection, tokenizer } = resolveModel(ctx, options);
  const progress = startProgress('counting', inputs.length, { enabled: ctx.interactive });
  const files = inputs.map((name, i) => {
    const input = readInputText(name);
    progress.update(i + 1);
    return {
      file: name,
      bytes: input.bytes,
      chars: input.text.length,
      tokens: tokenizer.countTokens(input.text),
    };
  });
  progress.stop();
  const total = files.reduce((n, f) => n + f.tokens, 0);
  const result = {
    model,
    tokenizer: tokenizer.id,
    vocabulary: detection.vocabulary,
    exact: tokenizer.exact,
    files,
    total,
  };
  emit(ctx, result, () => {
    const flag = tokenizer.exact ? 'exact' : 'estimate';
    const rows = files.map((f) => [f.file, int(f.tokens), int(f.chars)]);
    if (files.length > 1) rows.push(['total', int(total), int(files.reduce((n, f) => n + f.chars, 0))]);
    return `${table(['file', 'tokens', 'chars'], rows, [false, true, true])}\n${ctx.colors.dim(`${model}: ${tokenizer.id}, ${flag}`)}`;
  });
}

function countConversations(ctx: ReturnType<ContextFactory>, inputs: string[], options: CountOptions): void {
  const results = inputs.map((file) => {
    const parsed = loadConversation(ctx, file, options);
    const { model, tokenizer } = resolveModel(ctx, options, parsed.model, 'conversation');
    const roles: Record<Role, { messages: number; tokens: number }> = {
      system: { messages: 0, tokens: 0 },
      user: { messages: 0, tokens: 0 },
      assistant: { messages: 0, tokens: 0 },
      tool: { messages: 0, tokens: 0 },
    };
    const progress = startProgress(`counting ${file}`, parsed.messages.length, { enabled: ctx.interactive });
    parsed.messages.forEach((m, i) => {
      roles[m.role].messages++;
      roles[m.role].tokens += tokenizer.countMessage(m);
      progress.update(i + 1);
    });
    progress.stop();
    // The request total also carries reply priming, so it can exceed the sum of the messages.
    const total = tokenizer.countMessages(parsed.messages);
    return {
      file,
      format: parsed.format,
      model,
      tokenizer: tokenizer.id,
      exact: tokenizer.exact,
      messages: parsed.messages.length,
      skippedLines: parsed.skipped.length,
      roles,
      total,
    };
  });
  emit(ctx, inputs.length === 1 ? results[0] : results, () =>
    results
      .map((r) => {
        const rows = (Object.keys(r.roles) as Role[]).map((role) => [
          role,
          int(r.roles[role].messages),
          int(r.roles[role].tokens),
          r.total > 0 ? `${((r.roles[role].tokens / r.total) * 100).toFixed(1)}%` : '-',
        ]);
        rows.push(['total (request)', int(r.messages), int(r.total), '']);
        const head = `${ctx.colors.bold(r.file)} (${r.format}) — ${r.model}: ${r.tokenizer}, ${r.exact ? 'exact' : 'estimate'}`;
        return `${head}\n${table(['role', 'messages', 'tokens', 'share'], rows, [false, true, true, true])}`;
      })
      .join('\n\n'),
  );
}
