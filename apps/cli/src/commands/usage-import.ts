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
import { inputError } from '../errors.js';
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
    .action(async (paths: string[], options: O & { strict?: boolean }) => {
      const ctx = deps.context(options);
      const scanned = paths.length === 0;
      const locations = defaultAgentLogLocations();
      const named = new Set(scanned ? [] : paths);
      const files = scanned ? findAgentLogs(locations) : expand(paths);
      if (files.length === 0) {
        const where = scanned ? locations.map((l) => l.directory).join(', ') : paths.join(', ');
        throw inputError(
          `no agent logs found in ${where}`,
          { paths: scanned ? locations : paths },
          'IO_ERROR',
        );
      }
      const { store, directory } = deps.openTracker(options, false);
      const progress = startProgress('importing', files.length, { enabled: ctx.interactive });
      let result: ImportAgentLogsResult;
      try {
        result = await importAgentLogs(files, {
          store,
          strict: options.strict ?? false,
          // A scan meets whatever the agents left there; a file named on the command line must be a log.
          unsupported: (file) => (named.has(file) ? 'throw' : 'skip'),
          onProgress: (done) => progress.update(done),
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
      emit(ctx, { directory, ...result }, () =>
        summary(result, directory, scanned || result.files.length > 20),
      );
    });
}
