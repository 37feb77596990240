import { statSync } from 'node:fs';
import { isCtxkitError } from '@ctxkit/core';
import {
  defaultAgentLogLocations,
  findAgentLogs,
  type ImportAgentLogsResult,
  importAgentLogs,
  type JsonlUsageStore,
  type TokenUsageTracker,
} from '@ctxkit/tracker';
import type { Command } from 'commander';
import { type CommandContext, emit } from '../context.js';
import { inputError, usageError } from '../errors.js';
import { int } from '../output/format.js';
import { startProgress } from '../output/progress.js';

/** What `ctxkit usage import` needs from the `usage` command it belongs to. */
export interface UsageImportDeps<O> {
  context: (options: O) => CommandContext;
  openTracker: (
    options: O,
    mustExist: boolean,
  ) => { tracker: TokenUsageTracker; store: JsonlUsageStore; directory: string };
}

/** A directory argument stands for every log under it (Claude Code / Codex JSONL, Gemini CLI sessions). */
function expand(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    let directory = false;
    try {
      directory = statSync(p).isDirectory();
    } catch {
      // missing: the importer names it as unreadable
    }
    return directory
      ? findAgentLogs([
          { kind: 'claude-code', directory: p },
          { kind: 'gemini-cli', directory: p },
        ])
      : [p];
  });
}

// Brief: only the files that added something or were skipped (a scan lists hundreds).
function summary(result: ImportAgentLogsResult, directory: string, brief: boolean): string {
  const lines = result.files
    .filter((f) => !brief || f.added > 0 || f.error)
    .map((f) =>
      f.error
        ? `${f.file}: skipped (${f.error.message.replace(`${f.file}: `, '')})`
        : `${f.file}: ${int(f.calls)} call(s), ${int(f.added)} new${f.sessionIds.length ? ` → session ${f.sessionIds.join(', ')}` : ''}`,
    );
  const files = result.files.filter((f) => !f.error).length;
  lines.push(
    `imported ${int(result.added)} new call(s) from ${int(files)} log(s) (${int(result.alreadyStored)} already stored) into ${directory}`,
  );
  return lines.join('\n');
}

/**
 * `ctxkit usage import [paths...]`: Claude Code (with subagents), Codex CLI and Gemini CLI logs into the
 * usage store, idempotent per response. No path: the agents' default locations.
 */
export function registerUsageImport<O extends { json?: boolean }>(
  usage: Command,
  addStoreOptions: (cmd: Command) => Command,
  deps: UsageImportDeps<O>,
): void {
  addStoreOptions(
    usage
      .command('import')
      .description(
        'add the usage recorded in Claude Code, Codex CLI and Gemini CLI logs to the store (only new responses)',
      ),
  )
    .argument(
      '[paths...]',
      'log files or folders (default: $CLAUDE_CONFIG_DIR/projects or ~/.claude/projects, ~/.codex/sessions, ~/.gemini/tmp)',
    )
    .option('--strict', 'fail on the first malformed line instead of skipping it')
    .option(
      '--watch',
      'keep importing as the logs grow, until interrupted (with --json: one document per line)',
    )
    .option('--interval <seconds>', 'with --watch: how often to look for changed logs', '2')
    .action(async (paths: string[], options: O & { strict?: boolean; watch?: boolean; interval: string }) => {
      const ctx = deps.context(options);
      const scanned = paths.length === 0;
      const locations = defaultAgentLogLocations();
      const named = new Set(scanned ? [] : paths);
      const interval = Number(options.interval);
      if (!Number.isFinite(interval) || interval <= 0)
        throw usageError(`--interval must be a positive number of seconds, got "${options.interval}"`);
      const list = () => (scanned ? findAgentLogs(locations) : expand(paths));
      const files = list();
      if (files.length === 0 && !options.watch) {
        const where = scanned ? locations.map((l) => l.directory).join(', ') : paths.join(', ');
        throw inputError(
          `no agent logs found in ${where}`,
          { paths: scanned ? locations : paths },
          'IO_ERROR',
        );
      }
      // While watching, a log written in the last few rounds keeps its last response back until it is
      // quiet (a response still streaming would be stored with partial output), and is retried.
      const settleMs = options.watch ? Math.max(1000, 3 * interval * 1000) : 0;
      let first = true;
      const importRound = async (round: readonly string[], brief: boolean) => {
        const { store, directory } = deps.openTracker(options, false);
        const progress = startProgress('importing', round.length, { enabled: ctx.interactive });
        let result: ImportAgentLogsResult;
        try {
          result = await importAgentLogs(round, {
            store,
            strict: options.strict ?? false,
            // A scan meets whatever the agents left there; a file named on the command line must be a log.
            unsupported: (file) => (named.has(file) ? 'throw' : 'skip'),
            onProgress: (done) => progress.update(done),
            settleMs,
          });
        } catch (error) {
          // An unsupported file is bad input (exit 2), not a wrong command line.
          if (isCtxkitError(error) && error.code === 'UNSUPPORTED')
            throw inputError(error.message, error.details);
          throw error;
        } finally {
          progress.stop();
          await store.close();
        }
        for (const f of result.files) {
          if (f.skipped.length > 0) {
            const first = f.skipped[0]!;
            ctx.warn(
              `${f.file}: skipped ${f.skipped.length} unusable line(s); first at line ${first.line}: ${first.reason} (--strict fails instead)`,
            );
          }
        }
        const data = { directory, ...result };
        const quiet = !first && result.added === 0 && !result.files.some((f) => f.error);
        first = false;
        if (quiet) {
          // A watch round that found nothing new prints nothing.
        } else if (ctx.json && options.watch) ctx.out(JSON.stringify(data));
        else emit(ctx, data, () => summary(result, directory, brief || result.files.length > 20));
        return result.files.filter((f) => f.heldBack > 0).map((f) => f.file);
      };
      const retry = await importRound(files, scanned);
      if (options.watch)
        await watch(list, files, retry, interval * 1000, (changed) => importRound(changed, true));
    });
}

/** A file's size and modification time: what changes when an agent appends or rewrites it. */
function stamp(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'gone';
  }
}

/**
 * Polls the logs every `intervalMs` and imports the new or changed ones (and those whose last response
 * was held back), until SIGINT / SIGTERM. Polling
 * rather than fs.watch: it behaves the same on every platform and file system (network mounts too).
 */
async function watch(
  list: () => string[],
  initial: readonly string[],
  heldBack: readonly string[],
  intervalMs: number,
  importRound: (changed: string[]) => Promise<string[]>,
): Promise<void> {
  const seen = new Map(initial.map((f) => [f, stamp(f)]));
  let retry = new Set(heldBack);
  let stop: () => void = () => {};
  let stopped = false;
  const onSignal = () => {
    stopped = true;
    stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    while (!stopped) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        stop = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (stopped) break;
      const changed = list().filter((f) => {
        const now = stamp(f);
        if (seen.get(f) === now) return retry.has(f);
        seen.set(f, now);
        return now !== 'gone';
      });
      if (changed.length > 0) retry = new Set(await importRound(changed));
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
