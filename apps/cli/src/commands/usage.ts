import { writeFileSync } from 'node:fs';
import { renderHtml, type SessionSummary, toCsv, toMarkdown } from '@ctxkit/tracker';
import { type Command, Option } from 'commander';
import { emit } from '../context.js';
import { usageError } from '../errors.js';
import type { ContextFactory } from '../program.js';
import { registerUsageImport } from './usage-import.js';
import {
  addSessionsOptions,
  addStoreOptions,
  dateOption as date,
  openTracker,
  registerUsageReports,
  type StoreOptions,
  sessionsTable,
} from './usage-report.js';

function sessionsCsv(list: SessionSummary[]): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const head =
    'session,project,started,last_activity,provider,models,calls,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,total_tokens,cost_usd';
  return [
    head,
    ...list.map((s) =>
      [
        s.sessionId,
        s.project ?? '',
        s.startedAt,
        s.lastActivity,
        s.provider,
        s.models.join(' '),
        s.totals.calls,
        s.totals.inputTokens,
        s.totals.cachedInputTokens,
        s.totals.cacheWriteTokens,
        s.totals.outputTokens,
        s.totals.totalTokens,
        s.totals.cost ?? '',
      ]
        .map((v) => q(String(v)))
        .join(','),
    ),
  ].join('\n');
}

/** `ctxkit usage [report|sessions|export|import]`: the tracker's reports over its store. */
export function registerUsage(program: Command, context: ContextFactory): void {
  const usage = program
    .command('usage')
    .description(
      'token usage reports from the tracker store: daily, weekly, monthly, per session, 5-hour block, project, model or tool',
    )
    .addHelpText(
      'after',
      '\nEvery subcommand takes --json and --dir; `ctxkit usage` alone is `ctxkit usage report`.\n' +
        'Example: ctxkit usage import && ctxkit usage --monthly --breakdown',
    );

  registerUsageReports(usage, context);

  addSessionsOptions(
    addStoreOptions(
      usage
        .command('sessions')
        .description(
          'stored sessions with their project, start, last activity and totals, most recent first',
        ),
    ),
  )
    .option('--model <model>', 'only sessions that used this model')
    .option('--limit <n>', 'at most this many sessions')
    .option('--csv', 'print as CSV')
    .action(
      async (
        options: StoreOptions & {
          since?: string;
          until?: string;
          model?: string;
          limit?: string;
          csv?: boolean;
          project?: string;
          order?: 'asc' | 'desc';
          sort?: 'lastActivity' | 'startedAt' | 'cost' | 'tokens';
          tz?: string;
          timezone?: string;
        },
      ) => {
        const ctx = context(options);
        const { tracker } = openTracker(options, true);
        const limit = options.limit === undefined ? undefined : Number(options.limit);
        if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
          throw usageError('--limit must be a positive integer');
        const since = date(options.since, '--since');
        const until = date(options.until, '--until');
        const list = await tracker.sessions({
          ...(since ? { since } : {}),
          ...(until ? { until } : {}),
          ...(options.model ? { model: options.model } : {}),
          ...(options.project ? { project: options.project } : {}),
          ...(options.sort ? { sort: options.sort } : {}),
          ...(options.order ? { order: options.order } : {}),
          ...((options.tz ?? options.timezone) ? { timeZone: options.tz ?? options.timezone } : {}),
          ...(limit ? { limit } : {}),
        });
        await tracker.close();
        if (options.csv) return ctx.out(sessionsCsv(list));
        emit(ctx, list, () => (list.length === 0 ? 'no sessions recorded' : sessionsTable(list)));
      },
    );

  addStoreOptions(
    usage
      .command('export')
      .description('write the full report (--by session) as CSV, JSON, Markdown or HTML'),
  )
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['csv', 'json', 'markdown', 'html'])
        .default('csv'),
    )
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .option('--since <date>', 'only usage at or after this date/time')
    .option('--until <date>', 'only usage at or before this date/time')
    .action(
      async (options: StoreOptions & { format: string; output?: string; since?: string; until?: string }) => {
        const ctx = context(options);
        const { tracker } = openTracker(options, true);
        const since = date(options.since, '--since');
        const until = date(options.until, '--until');
        const report = await tracker.report({
          groupBy: 'session',
          ...(since ? { since } : {}),
          ...(until ? { until } : {}),
        });
        await tracker.close();
        const format = options.json ? 'json' : options.format;
        const text =
          format === 'json'
            ? JSON.stringify(report, null, 2)
            : format === 'markdown'
              ? toMarkdown(report)
              : format === 'html'
                ? renderHtml(report)
                : toCsv(report);
        if (options.output) {
          writeFileSync(options.output, text.endsWith('\n') ? text : `${text}\n`);
          if (!ctx.json) ctx.err(`wrote ${options.output} (${format})`);
          else ctx.out(JSON.stringify({ file: options.output, format }));
        } else ctx.out(text.trimEnd());
      },
    );

  registerUsageImport(usage, addStoreOptions, { context, openTracker });
}
