import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  defaultUsageDirectory,
  type GroupBy,
  groupByValues,
  JsonlUsageStore,
  parseBound,
  type ReportGroup,
  type ReportOptions,
  renderHtml,
  renderTerminal,
  type SessionSummary,
  TokenUsageTracker,
  toCsv,
  toMarkdown,
  type UsageReport,
  type UsageTotals,
} from '@ctxkit/tracker';
import { type Command, Option } from 'commander';
import { type CommandContext, emit } from '../context.js';
import { inputError, usageError } from '../errors.js';
import { colorEnabled } from '../output/color.js';
import { int, table, usd } from '../output/format.js';
import type { ContextFactory } from '../program.js';

/** Options every usage subcommand takes. */
export interface StoreOptions {
  /**
   * The usage store's directory (`--dir`).
   * @default `defaultUsageDirectory()` of `@ctxkit/tracker`
   */
  dir?: string;
  /**
   * Print as JSON (`--json`).
   * @default false
   */
  json?: boolean;
}

/** Opens the usage store (`--dir`, else the default); with `mustExist`, a missing store is an input error. */
export function openTracker(
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

/**
 * Checks a `--since` / `--until` value here, so a typo is a usage error (exit 1) and not an empty
 * report: `20260131`, `2026-01-31` (whole days) or an ISO-8601 time.
 */
export function dateOption(value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    parseBound(value, option.replace(/^--/, ''));
  } catch {
    throw usageError(`${option} must be a date such as 20260131 or 2026-01-31, got "${value}"`);
  }
  return value;
}

/** Adds `--dir` and `--json`. */
export function addStoreOptions(cmd: Command): Command {
  return cmd
    .option(
      '--dir <dir>',
      `usage store directory (default: ${defaultUsageDirectory().replace(/^.*\/\.local/, '~/.local')})`,
    )
    .option('--json', 'print as JSON');
}

interface ReportCommandOptions extends StoreOptions {
  by: GroupBy;
  daily?: boolean;
  weekly?: boolean;
  monthly?: boolean;
  since?: string;
  until?: string;
  project?: string;
  order?: 'asc' | 'desc';
  sort?: 'time' | 'cost' | 'tokens';
  breakdown?: boolean;
  active?: boolean;
  recent?: boolean;
  sessionLength?: string;
  csv?: boolean;
  markdown?: boolean;
  html?: string;
  tz?: string;
  timezone?: string;
  id?: string;
  instances?: boolean;
  tokenLimit?: string;
}

function addFilterOptions(cmd: Command): Command {
  return cmd
    .option('-s, --since <date>', 'only usage from this day (20260131, 2026-01-31) or time (ISO-8601) on')
    .option('-u, --until <date>', 'only usage up to this day (inclusive) or time')
    .option('-p, --project <name>', 'only sessions of this project (its path, or the last part of it)')
    .addOption(
      new Option(
        '-o, --order <order>',
        'order of the rows (default: oldest first, or largest first)',
      ).choices(['asc', 'desc']),
    )
    .option('--tz <zone>', 'IANA time zone of days, weeks, months and bare dates (default UTC)')
    .option('-z, --timezone <zone>', 'same as --tz');
}

function addViewOptions(cmd: Command): Command {
  return addFilterOptions(addStoreOptions(cmd))
    .addOption(new Option('--sort <key>', 'sort rows by').choices(['time', 'cost', 'tokens']))
    .option('-b, --breakdown', 'a row per model under every row')
    .option('--csv', 'print the report as CSV')
    .option('--markdown', 'print the report as Markdown')
    .option('--html <file>', 'also write the report as a self-contained HTML page');
}

function addBlockOptions(cmd: Command): Command {
  return cmd
    .option('-a, --active', 'only the active 5-hour block, with its burn rate and projection')
    .option('-r, --recent', 'only blocks of the last 3 days (and the active one)')
    .option('-n, --session-length <hours>', 'block length in hours (default 5, as Claude bills)')
    .option(
      '-t, --token-limit <n|max>',
      'show each block as a share of this many tokens (max: the largest block)',
    );
}

/** Cost cell: `local`, `?` (unknown), `≥ $x` (partly unknown) or `$x`. */
function costCell(t: Pick<UsageTotals, 'calls' | 'cost' | 'costComplete' | 'localCalls'>): string {
  if (t.calls > 0 && t.localCalls === t.calls) return 'local';
  if (t.cost === null) return '?';
  return t.costComplete ? usd(t.cost) : `≥ ${usd(t.cost)}`;
}

function when(iso: string | undefined): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '';
}

/** The row label of a group: its key, and for sessions and blocks the times that place it. */
function groupCells(g: ReportGroup, groupBy: GroupBy): string[] {
  if (groupBy === 'session') return [g.key, g.project ?? '', when(g.start), when(g.end)];
  if (groupBy === 'block') {
    const b = g.block;
    return [when(g.key), b ? (b.active ? 'ACTIVE' : when(b.lastActivity).slice(11)) : ''];
  }
  return [g.key];
}

function groupHeader(groupBy: GroupBy): string[] {
  if (groupBy === 'session') return ['session', 'project', 'started', 'last activity'];
  if (groupBy === 'block') return ['block start', 'last activity'];
  return [groupBy];
}

const TOKEN_HEADER = ['input', 'output', 'cache write', 'cache read', 'total tokens', 'cost'];
function tokenCells(t: UsageTotals): string[] {
  return [
    int(t.uncachedInputTokens),
    int(t.outputTokens),
    int(t.cacheWriteTokens),
    int(t.cachedInputTokens),
    int(t.totalTokens),
    costCell(t),
  ];
}

/**
 * The ccusage-style table of a report: one row per group (models, input, output, cache write, cache
 * read, total, cost), per-model rows under each with `--breakdown`, and a total row. `input` is the
 * uncached part, so input + cache write + cache read + output = total.
 */
export function reportTable(report: UsageReport, breakdown: boolean, tokenLimit?: number): string {
  const label = groupHeader(report.groupBy);
  const share = (t: UsageTotals) =>
    tokenLimit ? [`${((100 * t.totalTokens) / tokenLimit).toFixed(1)}%`] : [];
  const pad = label.map(() => '');
  const rows: string[][] = [];
  for (const g of report.groups) {
    const models = g.byModel.map((m) => m.model);
    rows.push([
      ...groupCells(g, report.groupBy),
      breakdown ? '' : models.join(', '),
      ...tokenCells(g.totals),
      ...share(g.totals),
    ]);
    if (breakdown) for (const m of g.byModel) rows.push([...pad.slice(1), '└', m.model, ...tokenCells(m)]);
  }
  rows.push(['Total', ...pad.slice(1), `${int(report.sessions)} session(s)`, ...tokenCells(report.totals)]);
  const header = [...label, 'models', ...TOKEN_HEADER, ...(tokenLimit ? [`% of ${int(tokenLimit)}`] : [])];
  return table(
    header,
    rows,
    header.map((_, i) => i > label.length),
  );
}

/** The active block's burn rate and projection, in words. */
function activeBlockText(report: UsageReport, tokenLimit?: number): string {
  const g = report.groups.find((x) => x.block?.active);
  if (!g?.block) return 'no active block';
  const b = g.block;
  const lines = [
    `Active block ${when(g.key)} → ${when(b.end)} UTC (last activity ${when(b.lastActivity)})`,
    `  so far     ${int(g.totals.totalTokens)} tokens, ${costCell(g.totals)}`,
  ];
  if (b.burnRate)
    lines.push(
      `  burn rate  ${int(b.burnRate.tokensPerMinute)} tokens/min${b.burnRate.costPerHour === null ? '' : `, ${usd(b.burnRate.costPerHour)}/hour`}`,
    );
  if (b.projection)
    lines.push(
      `  projected  ${int(b.projection.totalTokens)} tokens${b.projection.cost === null ? '' : `, ${usd(b.projection.cost)}`} by the block's end (${b.projection.remainingMinutes} min left)`,
    );
  if (tokenLimit) {
    const projected = b.projection?.totalTokens ?? g.totals.totalTokens;
    lines.push(
      `  limit      ${int(tokenLimit)} tokens: ${((100 * g.totals.totalTokens) / tokenLimit).toFixed(1)}% used, ${((100 * projected) / tokenLimit).toFixed(1)}% projected${projected > tokenLimit ? ' (OVER)' : ''}`,
    );
  }
  return lines.join('\n');
}

function reportOptions(options: ReportCommandOptions, groupBy: GroupBy): ReportOptions {
  const since = dateOption(options.since, '--since');
  const until = dateOption(options.until, '--until');
  const hours = options.sessionLength === undefined ? undefined : Number(options.sessionLength);
  if (hours !== undefined && !(hours > 0 && hours <= 24 * 7))
    throw usageError(`--session-length must be a number of hours, got "${options.sessionLength}"`);
  return {
    groupBy,
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...((options.tz ?? options.timezone) ? { timeZone: options.tz ?? options.timezone } : {}),
    ...(options.project ? { project: options.project } : {}),
    ...(options.id ? { sessionIds: [options.id] } : {}),
    ...(options.order ? { order: options.order } : {}),
    ...(options.sort ? { sort: options.sort } : {}),
    ...(hours ? { blockHours: hours } : {}),
    ...(options.active ? { activeBlock: true } : {}),
    ...(options.recent ? { recentDays: 3 } : {}),
  };
}

async function runReport(
  ctx: CommandContext,
  options: ReportCommandOptions,
  view: { groupBy?: GroupBy; table: boolean },
): Promise<void> {
  const groupBy: GroupBy =
    view.groupBy ??
    (options.daily ? 'day' : options.weekly ? 'week' : options.monthly ? 'month' : options.by);
  const request = reportOptions(options, groupBy);
  const { tracker, directory } = openTracker(options, true);
  let report: UsageReport;
  try {
    report = await tracker.report(request);
  } finally {
    await tracker.close();
  }
  for (const w of report.warnings) ctx.warn(w);
  const tokenLimit = await limitOf(options, request);
  if (options.instances) return printInstances(ctx, options, request, report);
  if (options.html) {
    writeFileSync(options.html, renderHtml(report));
    if (!ctx.json) ctx.err(`wrote ${options.html}`);
  }
  if (options.csv) return ctx.out(toCsv(report).trimEnd());
  if (options.markdown) return ctx.out(toMarkdown(report).trimEnd());
  emit(ctx, report, () => {
    if (options.active && report.totals.calls === 0) return 'no active block';
    if (report.totals.calls === 0)
      return `no usage recorded in ${directory}${request.since || request.until || request.project ? ' for that filter' : ''}`;
    const parts: string[] = [];
    if (!view.table)
      parts.push(
        renderTerminal(report, {
          color: colorEnabled(process.stdout),
          width: process.stdout.columns ?? 80,
        }).trimEnd(),
      );
    parts.push(reportTable(report, options.breakdown === true, tokenLimit));
    if (options.active) parts.push(activeBlockText(report, tokenLimit));
    return parts.join('\n\n');
  });
}

/** `--token-limit`: a number of tokens, or `max` for the largest block on record. */
async function limitOf(options: ReportCommandOptions, request: ReportOptions): Promise<number | undefined> {
  if (options.tokenLimit === undefined) return undefined;
  if (options.tokenLimit === 'max') {
    const { tracker } = openTracker(options, true);
    try {
      const all = await tracker.report({
        groupBy: 'block',
        ...(request.blockHours ? { blockHours: request.blockHours } : {}),
      });
      return Math.max(1, ...all.groups.map((g) => g.totals.totalTokens));
    } finally {
      await tracker.close();
    }
  }
  const n = Number(options.tokenLimit);
  if (!Number.isInteger(n) || n < 1)
    throw usageError(`--token-limit must be a positive integer or max, got "${options.tokenLimit}"`);
  return n;
}

/** `--instances`: the same view once per project (JSON: `{ projects: { name: report } }`). */
async function printInstances(
  ctx: CommandContext,
  options: ReportCommandOptions,
  request: ReportOptions,
  all: UsageReport,
): Promise<void> {
  const projects = new Map<string, UsageReport>();
  const { tracker } = openTracker(options, true);
  try {
    const names = await tracker.report({ ...request, groupBy: 'project', sort: 'tokens' });
    for (const g of names.groups) projects.set(g.key, await tracker.report({ ...request, project: g.key }));
  } finally {
    await tracker.close();
  }
  emit(ctx, { projects: Object.fromEntries(projects), totals: all.totals }, () =>
    projects.size === 0
      ? 'no usage recorded for that filter'
      : [...projects]
          .map(([name, r]) => `Project: ${name}\n${reportTable(r, options.breakdown === true)}`)
          .join('\n\n'),
  );
}

/**
 * `usage sessions` as a table: id, project, real start and last activity, models, tokens, cost, and
 * (when a listed session has any) the compactions and summary calls an agent recorded.
 */
export function sessionsTable(list: SessionSummary[]): string {
  const compacted = list.some((s) => (s.compactions ?? 0) + (s.summaryCalls ?? 0) > 0);
  return table(
    [
      'session',
      'project',
      'started',
      'last activity',
      'models',
      'calls',
      ...(compacted ? ['compactions (summary calls)'] : []),
      ...TOKEN_HEADER,
    ],
    list.map((s) => [
      s.sessionId,
      s.project ?? '',
      when(s.startedAt),
      when(s.lastActivity),
      s.models.join(', '),
      int(s.totals.calls),
      ...(compacted ? [`${int(s.compactions ?? 0)} (${int(s.summaryCalls ?? 0)})`] : []),
      ...tokenCells(s.totals),
    ]),
    [
      false,
      false,
      false,
      false,
      false,
      true,
      ...(compacted ? [true] : []),
      true,
      true,
      true,
      true,
      true,
      true,
    ],
  );
}

/** Options `usage sessions` adds for projects and ordering. */
export function addSessionsOptions(cmd: Command): Command {
  return addFilterOptions(cmd).addOption(
    new Option('--sort <key>', 'sort by (default last activity)').choices([
      'lastActivity',
      'startedAt',
      'cost',
      'tokens',
    ]),
  );
}

/**
 * Registers `usage report` (the default) and the ccusage-style views `daily`, `weekly`, `monthly`,
 * `session` and `blocks` on the `usage` command.
 */
export function registerUsageReports(usage: Command, context: ContextFactory): void {
  addBlockOptions(
    addViewOptions(
      usage
        .command('report', { isDefault: true })
        .description(
          'usage totals grouped by day, week, month, session, 5-hour block, project, model or tool',
        ),
    )
      .addOption(new Option('--by <group>', 'group by').choices([...groupByValues]).default('day'))
      .option('--daily', 'same as --by day')
      .option('--weekly', 'same as --by week')
      .option('--monthly', 'same as --by month'),
  ).action((options: ReportCommandOptions) => runReport(context(options), options, { table: false }));

  const views: Array<[string, GroupBy, string]> = [
    ['daily', 'day', 'usage per day'],
    ['weekly', 'week', 'usage per week (weeks start on Monday)'],
    ['monthly', 'month', 'usage per month'],
    ['session', 'session', 'usage per session, with its project, start and last activity'],
    ['projects', 'project', 'usage per project'],
  ];
  for (const [name, groupBy, description] of views) {
    const cmd = addViewOptions(usage.command(name).description(description));
    if (groupBy === 'day' || groupBy === 'week' || groupBy === 'month')
      cmd.option('-i, --instances', 'the view once per project');
    if (groupBy === 'session') cmd.option('--id <session>', 'only this session');
    cmd.action((options: ReportCommandOptions) =>
      runReport(context(options), { ...options, by: groupBy }, { groupBy, table: true }),
    );
  }
  addBlockOptions(
    addViewOptions(
      usage
        .command('blocks')
        .description('usage per 5-hour billing block; --active shows the current one with a projection'),
    ),
  ).action((options: ReportCommandOptions) =>
    runReport(context(options), { ...options, by: 'block' }, { groupBy: 'block', table: true }),
  );
}
