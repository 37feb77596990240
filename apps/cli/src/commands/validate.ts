import { type Role, validateConversation } from '@ctxkit/core';
import type { Command } from 'commander';
import { emit } from '../context.js';
import { CommandFailure, EXIT } from '../errors.js';
import { loadConversation } from '../io/load.js';
import { int, table } from '../output/format.js';
import type { ContextFactory } from '../program.js';

/** `ctxkit validate <conversation>`: detects the format, converts, and checks tool pairing and shape. */
export function registerValidate(program: Command, context: ContextFactory): void {
  program
    .command('validate')
    .description(
      'read a conversation (format detected), and report its messages and any tool-pairing problems',
    )
    .argument('<conversation>', 'conversation file, or - for standard input')
    .option('--strict', 'fail on the first malformed line instead of skipping it')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `\nExit codes: 0 valid, ${EXIT.PROBLEMS} problems found (listed in the report), ${EXIT.USAGE} usage error, ${EXIT.BAD_INPUT} unreadable input.`,
    )
    .action((file: string, options: { strict?: boolean; json?: boolean }) => {
      const ctx = context(options);
      const parsed = loadConversation(ctx, file, options);
      const problems = validateConversation(parsed.messages);
      const roles: Record<Role, number> = { system: 0, user: 0, assistant: 0, tool: 0 };
      for (const m of parsed.messages) roles[m.role]++;
      const toolCalls = parsed.messages.reduce((n, m) => n + (m.tool_calls?.length ?? 0), 0);
      const report = {
        file,
        format: parsed.format,
        model: parsed.model ?? null,
        messages: parsed.messages.length,
        roles,
        toolCalls,
        skippedLines: parsed.skipped,
        problems,
        valid: problems.length === 0,
      };
      emit(ctx, report, () => {
        const c = ctx.colors;
        const lines = [
          `${c.bold(file)}: ${parsed.format}${parsed.model ? `, model ${parsed.model}` : ''}`,
          `${int(parsed.messages.length)} messages (${Object.entries(roles)
            .map(([r, n]) => `${n} ${r}`)
            .join(', ')}), ${int(toolCalls)} tool calls, ${parsed.skipped.length} line(s) skipped`,
        ];
        if (problems.length === 0)
          lines.push(c.green('valid: every tool call is answered, every result has its call'));
        else {
          lines.push(c.yellow(`${problems.length} problem(s):`));
          lines.push(
            table(
              ['index', 'kind', 'detail'],
              problems.slice(0, 20).map((p) => [String(p.index), p.kind, p.message]),
              [true],
            ),
          );
          if (problems.length > 20) lines.push(`… and ${problems.length - 20} more (--json lists all)`);
        }
        return lines.join('\n');
      });
      if (problems.length > 0) {
        throw new CommandFailure(
          `${file}: ${problems.length} problem(s) found (first: ${problems[0]!.message})`,
          EXIT.PROBLEMS,
        );
      }
    });
}
