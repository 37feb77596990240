// The raw agent logs (Claude Code with subagents, Codex CLI, Gemini CLI) the importer suites and the
// usage benchmark read: the full set in ../shared/data/raw-logs when present, else a committed sample.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './transcripts.js';

/** The committed sample of raw logs (`fixtures/raw-logs`, credited in its SOURCES.md), one folder per agent. */
export const RAW_LOG_SAMPLES = resolve(REPO_ROOT, 'fixtures/raw-logs');

/** The shared raw logs beside the repository, one folder per agent (`claude-code`, `codex`, …). */
export const SHARED_RAW_LOGS = resolve(REPO_ROOT, '../shared/data/raw-logs');

/**
 * The folder of one agent's raw logs: the shared set when present, else `sample`.
 * @param agent - the shared set's subfolder, e.g. `claude-code`.
 * @param sample - the committed sample used when the shared set is absent.
 */
export function rawLogDir(agent: string, sample: string): string {
  const shared = join(SHARED_RAW_LOGS, agent);
  return existsSync(shared) ? shared : sample;
}

/** Every `.jsonl` log under `directory`, recursively, sorted; `expected-*` files (expected outputs) are not logs. */
export function logFilesUnder(directory: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) out.push(...logFilesUnder(path));
    else if (name.endsWith('.jsonl') && !name.startsWith('expected-')) out.push(path);
  }
  return out.sort();
}
