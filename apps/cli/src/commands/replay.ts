import { fileURLToPath } from 'node:url';
import { ExtractiveSummarizer, OllamaSummarizer, type Summarizer } from '@ctxkit/compressor';
import { type Command, Option } from 'commander';
import { type CommandContext, emit } from '../context.js';
import { CommandFailure, EXIT, usageError } from '../errors.js';
import { loadConversation } from '../io/load.js';
import { type ModelOptions, resolveModel } from '../model.js';
import { contextChart } from '../output/chart.js';
import { int, pct, table, usd } from '../output/format.js';
import { startProgress } from '../output/progress.js';
import { pricerFor } from '../pricing.js';
import type { ContextFactory } from '../program.js';
import { DEFAULT_OLLAMA_URL, probeOllama, smallestModel } from '../replay/ollama.js';
import { type ReplayResult, replayConversation } from '../replay/replay-conversation.js';
import { compressStrategy, noneStrategy, windowStrategy } from '../replay/strategies.js';
import type { ContextStrategy, StrategyName } from '../replay/types.js';

/** The real Claude Code session shipped with the package (see SOURCES.md). */
export const DEMO_TRANSCRIPT = fileURLToPath(
  new URL('../data/claude-code__codemie__session-196820da.jsonl', import.meta.url),
);

/** The model that produced the demo transcript (claude-code__codemie__session-196820da, see SOURCES.md). */
export const DEMO_MODEL = 'claude-sonnet-4-5-20250929';

interface ReplayOptions extends ModelOptions {
  limit?: string;
  reserve?: string;
  strategy: StrategyName;
  ollamaModel?: string;
  ollamaUrl: string;
  ollama: boolean;
  priceInput?: string;
  priceOutput?: string;
  demo?: boolean;
  strict?: boolean;
  json?: boolean;
}

/** Parses `32000`, `32k`, `32K`, `1m` as a positive token count. */
export function parseTokens(value: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmM]?)$/.exec(value.trim());
  const n = m
    ? Number(m[1]) * (m[2] === '' ? 1 : m[2]!.toLowerCase() === 'k' ? 1000 : 1_000_000)
    : Number.NaN;
  if (!Number.isFinite(n) || n < 1)
    throw usageError(`${option} must be a positive number of tokens (e.g. 32000 or 32k), got "${value}"`);
  return Math.floor(n);
}

function parsePrice(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw usageError(`${option} must be a price in USD per million tokens, got "${value}"`);
  return n;
}

async function chooseSummarizer(
  ctx: CommandContext,
  options: ReplayOptions,
): Promise<{ summarizer: Summarizer; name: string }> {
  const extractive = { summarizer: new ExtractiveSummarizer(), name: 'extractive' };
  if (!options.ollama && !options.ollamaModel) return extractive;
  const models = await probeOllama(options.ollamaUrl);
  if (!models) {
    if (options.ollamaModel)
      ctx.warn(`no Ollama answers at ${options.ollamaUrl}; using the extractive summarizer`);
    return extractive;
  }
  const model = options.ollamaModel ?? smallestModel(models);
  if (!model) return extractive;
  if (options.ollamaModel && !models.some((m) => m.name === model || m.name === `${model}:latest`)) {
    ctx.warn(
      `Ollama at ${options.ollamaUrl} has no model "${model}" (pull it first); using the extractive summarizer`,
    );
    return extractive;
  }
  if (!ctx.json) ctx.err(`using Ollama model ${model} at ${options.ollamaUrl} to summarize`);
  return { summarizer: new OllamaSummarizer({ host: options.ollamaUrl, model }), name: `ollama:${model}` };
}

/** `ctxkit replay`: plays a conversation as an agent would, managing its context before each turn. */
export function registerReplay(program: Command, context: ContextFactory): void {
  program
    .command('replay')
    .description(
      'replay a conversation turn by turn as an agent would, managing the context before each assistant turn',
    )
    .argument('[conversation]', 'conversation file (any supported format), or - for standard input')
    .option('-m, --model <model>', 'model (default: the one the input names, else gpt-4o)')
    .option('-p, --provider <provider>', 'provider, when the model name alone is ambiguous')
    .option(
      '-l, --limit <tokens>',
      "context limit in tokens, e.g. 32000 or 32k (default: the model's window)",
    )
    .option('--reserve <tokens>', 'tokens kept free for the reply (default: min(8192, limit/8))')
    .addOption(
      new Option('-s, --strategy <strategy>', 'how the context is managed')
        .choices(['none', 'window', 'compress'])
        .default('compress'),
    )
    .option(
      '--ollama-model <model>',
      'summarize with this Ollama model (default: the smallest one a local Ollama has)',
    )
    .option('--ollama-url <url>', 'Ollama server', DEFAULT_OLLAMA_URL)
    .option('--no-ollama', 'never use Ollama; summarize extractively')
    .option(
      '--price-input <usd>',
      'input price, USD per million tokens (default: the known price of the model)',
    )
    .option('--price-output <usd>', 'output price, USD per million tokens')
    .option('--demo', 'replay the real Claude Code session shipped with ctxkit')
    .option('--strict', 'fail on the first malformed line instead of skipping it')
    .option('--json', 'print every figure and every request as JSON')
    .addHelpText(
      'after',
      `\nRecall: facts of the whole conversation (paths, commands, error lines, user constraints, open todos)\nthat the requests still show, on every compacted request and the last one.\n\nExit codes: 0 every request fit, ${EXIT.OVER_BUDGET} a request was over the limit with the chosen strategy\n(one line on stderr says what did not fit), ${EXIT.USAGE} usage error, ${EXIT.BAD_INPUT} unreadable input.`,
    )
    .action(async (file: string | undefined, options: ReplayOptions) => {
      const ctx = context(options);
      if (!file && !options.demo)
        throw usageError('replay needs a conversation file (or - for standard input, or --demo)');
      const input = file ?? DEMO_TRANSCRIPT;
      const parsed = loadConversation(ctx, input, options);
      const { provider, model, detection, tokenizer } = resolveModel(
        ctx,
        options,
        parsed.model ?? (file === undefined ? DEMO_MODEL : undefined),
        'conversation',
      );
      let limit: number;
      if (options.limit !== undefined) limit = parseTokens(options.limit, '--limit');
      else if (detection.contextWindow) limit = detection.contextWindow;
      else throw usageError(`the context window of "${model}" is unknown: pass --limit`);
      const reserve =
        options.reserve !== undefined
          ? parseTokens(options.reserve, '--reserve')
          : Math.min(8192, Math.floor(limit / 8));
      if (reserve >= limit)
        throw usageError(`--reserve (${reserve}) must be smaller than --limit (${limit})`);
      const explicit = {
        input: parsePrice(options.priceInput, '--price-input'),
        output: parsePrice(options.priceOutput, '--price-output'),
      };
      const { pricer, reason: priceReason } = pricerFor(provider || detection.family, model, explicit);
      let strategy: ContextStrategy;
      if (options.strategy === 'none') strategy = noneStrategy();
      else if (options.strategy === 'window') strategy = windowStrategy();
      else {
        const { summarizer, name } = await chooseSummarizer(ctx, options);
        strategy = compressStrategy(summarizer, name);
      }
      const turns = parsed.messages.filter((m, i) => m.role === 'assistant' && i > 0).length;
      const progress = startProgress('replaying', turns, { enabled: ctx.interactive, minTotal: 2 });
      const started = performance.now();
      const result = await replayConversation(parsed.messages, {
        limit,
        reserve,
        tokenizer,
        strategy,
        ...(pricer ? { pricer } : {}),
        onTurn: (done) => progress.update(done),
      });
      progress.stop();
      const seconds = (performance.now() - started) / 1000;
      const report = {
        file: input,
        format: parsed.format,
        model,
        skippedLines: parsed.skipped.length,
        seconds,
        ...result,
      };
      emit(ctx, report, () => renderReplay(ctx, input, model, parsed.format, result, seconds, priceReason));
      const over = result.requests.filter((q) => q.overflow);
      if (over.length > 0) throw new CommandFailure(overBudgetLine(result, over), EXIT.OVER_BUDGET);
    });
}

/** The one line that says what did not fit. */
function overBudgetLine(r: ReplayResult, over: ReplayResult['requests']): string {
  const budget = r.limit - r.reserve;
  const first = over[0]!;
  const failed = over
    .flatMap((q) => q.events)
    .find((e) => e.kind === 'failure' && typeof e.protectedTokens === 'number');
  const why =
    failed?.kind === 'failure' && failed.protectedTokens !== undefined
      ? `protected messages need ${int(failed.protectedTokens)} tokens, the budget is ${int(failed.budget ?? budget)}`
      : `the request needed ${int(first.tokens)} tokens, the budget is ${int(budget)}`;
  return `${over.length} of ${r.turns} requests over the limit with --strategy ${r.strategy} (first at turn ${first.turn}: ${why})`;
}

function renderReplay(
  ctx: CommandContext,
  file: string,
  model: string,
  format: string,
  r: ReplayResult,
  seconds: number,
  priceReason: string,
): string {
  const c = ctx.colors;
  const budget = r.limit - r.reserve;
  const compactions = r.requests.flatMap((q) =>
    q.events.flatMap((e) => (e.kind === 'compaction' ? [{ turn: q.turn, recall: q.recall, ...e }] : [])),
  );
  const failures = r.requests.flatMap((q) =>
    q.events.flatMap((e) => (e.kind === 'failure' ? [{ turn: q.turn, ...e }] : [])),
  );
  const lines = [
    `${c.bold('replay')}    ${file} (${format}, ${int(r.messages)} messages, ${int(r.turns)} assistant turns)`,
    `${c.bold('model')}     ${model} → ${r.tokenizer} (${r.exact ? 'exact' : 'estimate'})`,
    `${c.bold('limit')}     ${int(r.limit)} tokens, ${int(r.reserve)} reserved for the reply → input budget ${int(budget)}`,
    `${c.bold('strategy')}  ${r.strategy}: ${r.strategyDescription}`,
    '',
    c.dim(
      `context per turn: █ sent, ░ what --strategy none would send (↑ beyond the scale), ─ budget ${int(budget)}`,
    ),
    contextChart(
      r.requests.map((q) => ({ tokens: q.tokens, baseline: q.baselineTokens })),
      { budget, colors: c },
    ),
    '',
  ];
  const valid = r.turns - r.invalidRequests;
  const overflowLine =
    r.strategy === 'none'
      ? `${r.overflows.baseline} of ${r.turns} requests over the budget`
      : `${r.overflows.strategy} with ${r.strategy} vs ${r.overflows.baseline} with --strategy none → ${c.green(`${r.overflows.prevented} prevented`)}`;
  const rows: [string, string][] = [
    [
      'requests',
      `${int(r.turns)} sent, ${valid === r.turns ? c.green(`${valid} valid`) : c.red(`${valid} valid`)} (validateConversation)`,
    ],
    ['overflows', overflowLine],
    [
      'recall',
      `${int(r.recall.kept)}/${int(r.recall.facts)} facts of the conversation in the last request (${pct(r.recall.facts === 0 ? 1 : r.recall.kept / r.recall.facts)}; lowest on a compacted request ${pct(r.recall.lowest)})`,
    ],
    ['peak', `${int(r.peakTokens)} tokens (none: ${int(r.baselinePeakTokens)})`],
    [
      'input',
      `${int(r.inputTokens)} tokens over all requests (none: ${int(r.baselineInputTokens)}), output ${int(r.outputTokens)}`,
    ],
  ];
  if (r.strategy === 'compress') rows.push(['compactions', `${compactions.length}`]);
  if (r.strategy === 'window')
    rows.push([
      'evicted',
      `${int(r.evictedMessages)} messages over ${r.requests.filter((q) => q.events.some((e) => e.kind === 'eviction')).length} turns`,
    ]);
  if (failures.length > 0)
    rows.push([
      'failures',
      c.red(`${failures.length} (first at turn ${failures[0]!.turn}: ${failures[0]!.message})`),
    ]);
  rows.push([
    'count cache',
    `hit rate ${pct(r.countCache.hitRate)} (${int(r.countCache.hits)} hits, ${int(r.countCache.misses)} misses)`,
  ]);
  rows.push([
    'prompt cache',
    `${pct(r.promptPrefixReuse)} of input tokens repeat the previous request's prefix`,
  ]);
  rows.push([
    'cost (est.)',
    r.cost
      ? `${usd(r.cost.total)} vs ${usd(r.cost.baseline)} with --strategy none (${r.cost.pricing}; repeated prefixes as cache reads)`
      : `unknown (${priceReason}; pass --price-input/--price-output)`,
  ]);
  rows.push(['time', `${seconds.toFixed(1)} s`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  lines.push(...rows.map(([k, v]) => `${c.bold(k.padEnd(width))}  ${v}`));
  if (compactions.length > 0) {
    lines.push('', c.bold('compactions'));
    lines.push(
      table(
        ['turn', 'before', 'after', 'ratio', 'ledger facts kept', 'recall', 'summarizer'],
        compactions.map((e) => [
          String(e.turn),
          int(e.before),
          int(e.after),
          e.ratio.toFixed(2),
          `${e.ledgerFactsKept}/${e.ledgerFacts}`,
          e.recall ? `${e.recall.kept}/${e.recall.facts}` : '—',
          e.summarizer,
        ]),
        [true, true, true, true, true, true, false],
      ),
    );
  }
  return lines.join('\n');
}
