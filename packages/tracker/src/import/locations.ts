import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AgentLogKind } from './types.js';

/** A directory where an agent writes its session logs. */
export interface AgentLogLocation {
  kind: AgentLogKind;
  directory: string;
}

/**
 * Where the agents keep their logs: Claude Code in each `$CLAUDE_CONFIG_DIR` entry's `projects`
 * (comma-separated), else `~/.config/claude/projects` and `~/.claude/projects`; Codex CLI in
 * `$CODEX_HOME/sessions`, else `~/.codex/sessions`; Gemini CLI in `~/.gemini/tmp`. Directories that do
 * not exist are included (callers skip them); `findAgentLogs` lists their files.
 *
 * @param env - environment to read (default `process.env`)
 * @param home - home directory (default `os.homedir()`)
 */
export function defaultAgentLogLocations(
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): AgentLogLocation[] {
  const claudeDirs = env.CLAUDE_CONFIG_DIR?.trim()
    ? env.CLAUDE_CONFIG_DIR.split(',')
        .map((d) => d.trim())
        .filter((d) => d.length > 0)
    : [join(home, '.config', 'claude'), join(home, '.claude')];
  const codexHome = env.CODEX_HOME?.trim() ? env.CODEX_HOME.trim() : join(home, '.codex');
  return [
    ...claudeDirs.map((d) => ({ kind: 'claude-code' as const, directory: join(d, 'projects') })),
    { kind: 'codex', directory: join(codexHome, 'sessions') },
    { kind: 'gemini-cli', directory: join(home, '.gemini', 'tmp') },
  ];
}

/** Which files of a location are logs: Claude Code `*.jsonl` (subagents too), Codex `rollout-*.jsonl`, Gemini `session-*.json` (in `<hash>/chats/`). */
function isLogFile(kind: AgentLogKind, name: string): boolean {
  if (kind === 'claude-code') return name.endsWith('.jsonl');
  if (kind === 'codex') return name.startsWith('rollout-') && name.endsWith('.jsonl');
  return name.startsWith('session-') && name.endsWith('.json');
}

/**
 * Lists the log files under the given locations (default {@link defaultAgentLogLocations}), sorted,
 * without following symbolic links (no loops) and at most 8 directories deep.
 *
 * @param locations - where to look
 * @example
 * ```ts
 * const result = await importAgentLogs(findAgentLogs(), { store: new JsonlUsageStore() });
 * ```
 */
export function findAgentLogs(locations: readonly AgentLogLocation[] = defaultAgentLogLocations()): string[] {
  const found = new Set<string>();
  const walk = (kind: AgentLogKind, directory: string, depth: number): void => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch {
      return; // unreadable or vanished while scanning: nothing to import there
    }
    for (const e of entries) {
      const path = join(directory, e.name);
      if (e.isDirectory()) {
        if (depth < 8) walk(kind, path, depth + 1);
      } else if (e.isFile() && isLogFile(kind, e.name)) found.add(path);
    }
  };
  for (const { kind, directory } of locations) {
    if (existsSync(directory)) walk(kind, directory, 0);
  }
  return [...found].sort();
}
