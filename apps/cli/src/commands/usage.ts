import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  defaultUsageDirectory,
  type GroupBy,
  groupByValues,
  JsonlUsageStore,
  renderHtml,
  renderTerminal,
  type SessionSummary,
  TokenUsageTracker,
  toCsv,
  toMarkdown,
  type UsageReport,
} from '@ctxkit/tracker';
import { type Command, Option } from 'commander';
import { type CommandContext, emit } from '../context.js';
import { inputError, usageError } from '../errors.js';
import { colorEnabled } from '../output/color.js';
import { int, table, usd } from '../output/format.js';
import type { ContextFactory } from '../program.js';
import { registerUsageImport } from './usage-import.js';

interface StoreOptions {
  dir?: string;
  json?: boolean;
}

interface ReportCommandOptions extends StoreOptions {
  by: GroupBy;
  since?: string;
  until?: string;
  breakdown?: boolean;
  csv?: boolean;
  markdown?: boolean;
  html?: string;
  tz?: string;
}

function openTracker(
  options: StoreOptions,
  mustExist: boolean,
): { tracker: TokenUsageTracker; store: JsonlUsageStore; directory: string } {
  const directory = resolve(options.dir ?? defaultUsageDirectory());
  if (mustExist && !existsSync(directory)) {
    throw inputError(
      `no usage store at ${directory}: record usage with @ctxkit/tracker or \`ctxkit usage import\`, or pass --dir`,
      { directory },
      'IO_ERROR',
    );
  }
  const store = new JsonlUsageStore({ directory, flushOnExit: false, durable: false });
  return { tracker: new TokenUsageTracker({ store }), store, directory };
}

// Dates are validated here so a typo is a usage error (exit 1), not an empty report.
function date(value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (Number.isNaN(new Date(value).getTime()))
    throw usageError(`${option} must be a date such as 2026-01-31, got "${value}"`);
  return value;
}

function breakdownTable(report: UsageReport): string {
  const rows: string[][] = [];
  for (const g of report.groups) {
    for (const m of g.byModel) {
      rows.push([
        g.key,
        m.model,
        int(m.inputTokens),
        int(m.outputTokens),
        int(m.totalTokens),
        m.cost === null ? '?' : usd(m.cost),
      ]);
    }
  }
  return table([report.groupBy, 'model', 'input', 'output', 'total', 'cost'], rows, [
    false,
    false,
    true,
    true,
    true,
    true,
  ]);
}

function addStoreOptions(cmd: Command): Command {
  return cmd
    .option(
      '--dir <dir>',
      `usage store directory (default: ${defaultUsageDirectory().replace(/^.*\/\.local/, '~/.local')})`,
    )
    .option('--json', 'print as JSON');
}

function addReportOptions(cmd: Command): Command {
  return addStoreOptions(cmd)
    .addOption(new Option('--by <group>', 'group by').choices([...groupByValues]).default('day'))
    .option('--daily', 'same as --by day')
    .option('--monthly', 'same as --by month')
    .option('--since <date>', 'only usage at or after this date/time (ISO-8601)')
    .option('--until <date>', 'only usage at or before this date/time')
    .option('--tz <zone>', 'IANA time zone of day/week/month buckets (default UTC)')
    .option('--breakdown', 'per-model rows inside every group')
    .option('--csv', 'print the report as CSV')
    .option('--markdown', 'print the report as Markdown')
    .option('--html <file>', 'also write the report as a self-contained HTML page');
}

async function runReport(
  ctx: CommandContext,
  options: ReportCommandOptions & { daily?: boolean; monthly?: boolean },
) {
  const { tracker, directory } = openTracker(options, true);
  const groupBy: GroupBy = options.daily ? 'day' : options.monthly ? 'month' : options.by;
  const since = date(options.since, '--since');
  const until = date(options.until, '--until');
  const report = await tracker.report({
    groupBy,
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(options.tz ? { timeZone: options.tz } : {}),
  });
  await tracker.close();
  for (const w of report.warnings) ctx.warn(w);
  if (options.html) {
    writeFileSync(options.html, renderHtml(report));
    if (!ctx.json) ctx.err(`wrote ${options.html}`);
  }
  if (options.csv) return ctx.out(toCsv(report).trimEnd());
  if (options.markdown) return ctx.out(toMarkdown(report).trimEnd());
  emit(ctx, report, () => {
    if (report.totals.calls === 0)
      return `no usage recorded in ${directory}${since || until ? ' for that period' : ''}`;
    const text = renderTerminal(report, {
      color: colorEnabled(process.stdout),
      width: process.stdout.columns ?? 80,
    });
    return options.breakdown ? `${text.trimEnd()}\n\n${breakdownTable(report)}` : text.trimEnd();
  });
}

function sessionsCsv(list: SessionSummary[]): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const head =
    'session,started,last_activity,provider,models,calls,input_tokens,output_tokens,total_tokens,cost_usd';
  return [
    head,
    ...list.map((s) =>
      [
        s.sessionId,
        s.startedAt,
        s.lastActivity,
        s.provider,
        s.models.join(' '),
        s.totals.calls,
        s.totals.inputTokens,
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
    .description('token usage reports from the tracker store (daily, monthly, per session or model)')
    .addHelpText(
      'after',
      '\nEvery subcommand takes --json and --dir; `ctxkit usage` alone is `ctxkit usage report`.\n' +
        'Example: ctxkit usage import && ctxkit usage --monthly --breakdown',
    );

  addReportOptions(
    usage
      .command('report', { isDefault: true })
      .description('usage totals grouped by day, week, month, session, model or tool'),
  ).action((options) => runReport(context(options), options));

  addStoreOptions(
    usage.command('sessions').description('stored sessions with their totals, most recent first'),
  )
    .option('--since <date>', 'sessions active at or after this date')
    .option('--until <date>', 'sessions active at or before this date')
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
          ...(limit ? { limit } : {}),
        });
        await tracker.close();
        if (options.csv) return ctx.out(sessionsCsv(list));
        emit(ctx, list, () =>
          list.length === 0
            ? 'no sessions recorded'
            : table(
                ['session', 'last activity', 'models', 'calls', 'input', 'output', 'cost'],
                list.map((s) => [
                  s.sessionId,
                  s.lastActivity.slice(0, 16).replace('T', ' '),
                  s.models.join(', '),
                  int(s.totals.calls),
                  int(s.totals.inputTokens),
                  int(s.totals.outputTokens),
                  s.totals.cost === null ? '?' : usd(s.totals.cost),
                ]),
                [false, false, false, true, true, true, true],
              ),
        );
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
