import { statSync } from 'node:fs';
import { CtxkitError } from '@ctxkit/core';
import { Pricing, type PricingOptions } from '../pricing.js';
import { usageEventSchema } from '../schema.js';
import type { UsageStore } from '../store/types.js';
import type { SessionRecord, UsageEvent } from '../types.js';
import { readAgentLog } from './detect.js';
import type { AgentLogKind, ImportedCall, ImportedSession, ParsedAgentLog, SkippedLogLine } from './types.js';

/** Options of {@link importAgentLogs}. */
export interface ImportAgentLogsOptions {
  /** Where the calls go (e.g. a `JsonlUsageStore`, or a tracker's `store`). */
  store: UsageStore;
  /** Prices (a tracker's `pricing`, or options for a new {@link Pricing}). */
  pricing?: Pricing | PricingOptions;
  /**
   * Fail on the first unusable line instead of skipping it.
   * @default false
   */
  strict?: boolean;
  /**
   * What to do with a file that is no supported log (or cannot be read): `'throw'` stops before anything
   * is written; `'skip'` reports it in the result's `files[].error` and imports the rest; a function
   * decides per file (e.g. skip what a folder scan found, throw for a file the user named).
   * @default 'throw'
   */
  unsupported?: 'throw' | 'skip' | ((file: string) => 'throw' | 'skip');
  /** Called after each file is read (for a progress bar). */
  onProgress?: (done: number, total: number, file: string) => void;
  /**
   * A log modified less than this many ms ago keeps its last response back: the agent may still be
   * writing it, and the store keeps the first copy of a response it sees. Import again later to add it
   * (`files[].heldBack` says which files to retry).
   * @default 0
   */
  settleMs?: number;
  /**
   * Clock for `settleMs`.
   * @default Date.now
   */
  now?: () => number;
}

/** What the import did with one file. */
export interface ImportedLogFile {
  file: string;
  kind?: AgentLogKind;
  /** Sessions the file's calls belong to (a subagent log names its parent's). */
  sessionIds: string[];
  /** Calls (responses) the file holds. */
  calls: number;
  /** Of those, calls that were new and were stored by this import. */
  added: number;
  /** Unusable lines skipped. */
  skipped: SkippedLogLine[];
  /** Why the file was not read (only with `unsupported: 'skip'`). */
  error?: { code: string; message: string };
  /** Responses kept back because the file was still changing (see `settleMs`). */
  heldBack: number;
}

/** What {@link importAgentLogs} did. */
export interface ImportAgentLogsResult {
  files: ImportedLogFile[];
  /** Calls stored by this import. */
  added: number;
  /** Calls already in the store (by response id), left as they were. */
  alreadyStored: number;
  /** Per session: calls stored now and calls found in the logs. */
  sessions: { sessionId: string; kind: AgentLogKind; calls: number; added: number }[];
}

interface Candidate {
  call: ImportedCall;
  kind: AgentLogKind;
  file: string;
}

/**
 * Imports the billed calls of agent logs (Claude Code with its subagents, Codex CLI, Gemini CLI) into a
 * usage store, priced offline. Idempotent per response: a call whose id is already stored (in any
 * session) is left alone, so re-importing an unchanged log adds nothing, a grown log adds exactly its
 * new responses, and a response found in several files (a subagent log, a copy of a session) is stored
 * once. The order of `files` does not matter: when two files hold the same response, the copy with the
 * most output (the most complete) is kept. Every file is read before anything is written. A session's
 * header gets the time of its first logged line, the agent and its working directory as `meta`.
 *
 * @param files - log files (see `findAgentLogs` for the default locations)
 * @param options - the store, pricing, and how to treat bad input
 * @returns per file and per session what was found and added
 * @throws {CtxkitError} `UNSUPPORTED` / `IO_ERROR` for an unusable file (unless `unsupported: 'skip'`),
 *   `INVALID_ARGUMENT` for a bad line with `strict`, `IO_ERROR` when the store cannot write.
 * @example
 * ```ts
 * const store = new JsonlUsageStore();
 * const result = await importAgentLogs(findAgentLogs(), { store });
 * console.log(`${result.added} new call(s)`);
 * await store.close();
 * ```
 */
export async function importAgentLogs(
  files: readonly string[],
  options: ImportAgentLogsOptions,
): Promise<ImportAgentLogsResult> {
  const pricing = options.pricing instanceof Pricing ? options.pricing : new Pricing(options.pricing);
  const unsupported = options.unsupported ?? 'throw';
  const mode = typeof unsupported === 'function' ? unsupported : () => unsupported;
  const settleMs = options.settleMs ?? 0;
  const now = (options.now ?? Date.now)();
  const reports: ImportedLogFile[] = [];
  const logs: ParsedAgentLog[] = [];
  const unique = [...new Set(files)];
  unique.forEach((file, index) => {
    try {
      const log = readAgentLog(file, { strict: options.strict ?? false });
      let heldBack = 0;
      if (settleMs > 0 && log.calls.length > 0 && now - statSync(file).mtimeMs < settleMs) {
        log.calls = log.calls.slice(0, -1);
        heldBack = 1;
      }
      logs.push(log);
      reports.push({
        file,
        kind: log.kind,
        sessionIds: [...new Set(log.calls.map((c) => c.sessionId))],
        calls: log.calls.length,
        added: 0,
        skipped: log.skipped,
        heldBack,
      });
    } catch (error) {
      const reason = error instanceof CtxkitError ? error.details?.reason : undefined;
      if (reason === 'empty') {
        reports.push({ file, sessionIds: [], calls: 0, added: 0, skipped: [], heldBack: 0 });
      } else if (mode(file) === 'skip' && error instanceof CtxkitError && error.code !== 'INVALID_ARGUMENT') {
        reports.push({
          file,
          sessionIds: [],
          calls: 0,
          added: 0,
          skipped: [],
          heldBack: 0,
          error: { code: error.code, message: error.message },
        });
      } else throw error;
    }
    options.onProgress?.(index + 1, unique.length, file);
  });

  // One candidate per response id across all files; the most complete copy wins, whatever the order.
  const best = new Map<string, Candidate>();
  const sessions = new Map<string, ImportedSession & { kind: AgentLogKind }>();
  for (const log of logs) {
    for (const s of log.sessions) {
      const known = sessions.get(s.sessionId);
      if (!known) sessions.set(s.sessionId, { ...s, kind: log.kind });
      else {
        if (s.startedAt && (!known.startedAt || s.startedAt < known.startedAt)) known.startedAt = s.startedAt;
        known.cwd ??= s.cwd;
        known.model ??= s.model;
      }
    }
    for (const call of log.calls) {
      const seen = best.get(call.id);
      if (!seen || moreComplete(call, seen.call)) {
        const agentId = call.agentId ?? seen?.call.agentId;
        best.set(call.id, {
          call: agentId ? { ...call, agentId } : call,
          kind: log.kind,
          file: log.file ?? '',
        });
      }
    }
  }

  const stored = await options.store.read();
  const storedIds = new Set(stored.events.map((e) => e.id));
  const headers = new Set([
    ...stored.sessions.map((s) => s.sessionId),
    ...(await options.store.listSessions()),
  ]);
  const perSession = new Map<
    string,
    { sessionId: string; kind: AgentLogKind; calls: number; added: number }
  >();
  const perFile = new Map(reports.map((r) => [r.file, r]));
  const writes: Promise<void>[] = [];
  let added = 0;
  let alreadyStored = 0;
  const ordered = [...best.values()].sort((a, b) => a.call.timestamp.localeCompare(b.call.timestamp));
  for (const { call, kind, file } of ordered) {
    const summary = perSession.get(call.sessionId) ?? { sessionId: call.sessionId, kind, calls: 0, added: 0 };
    perSession.set(call.sessionId, summary);
    summary.calls++;
    if (storedIds.has(call.id)) {
      alreadyStored++;
      continue;
    }
    const event = toEvent(call, pricing);
    // Never acknowledge what the store's reader would refuse (e.g. a count past 2^53 is no integer).
    const valid = usageEventSchema.safeParse(event);
    if (!valid.success) {
      const issue = valid.error.issues[0];
      perFile.get(file)?.skipped.push({
        line: 0,
        reason: `call ${call.id} not stored: ${issue?.path.join('.')} ${issue?.message ?? 'invalid'}`,
      });
      summary.calls--;
      continue;
    }
    if (!headers.has(call.sessionId)) {
      headers.add(call.sessionId);
      writes.push(options.store.startSession(sessionHeader(call, kind, sessions.get(call.sessionId))));
    }
    writes.push(options.store.append(event));
    storedIds.add(call.id);
    summary.added++;
    added++;
    const report = perFile.get(file);
    if (report) report.added++;
  }
  await options.store.flush();
  await Promise.all(writes);
  return { files: reports, added, alreadyStored, sessions: [...perSession.values()] };
}

/** Of two copies of one response, whether `a` is the more complete (its output only grows as it streams). */
function moreComplete(a: ImportedCall, b: ImportedCall): boolean {
  return a.usage.outputTokens > b.usage.outputTokens;
}

function sessionHeader(
  call: ImportedCall,
  kind: AgentLogKind,
  session: ImportedSession | undefined,
): SessionRecord {
  return {
    sessionId: call.sessionId,
    startedAt: session?.startedAt && session.startedAt < call.timestamp ? session.startedAt : call.timestamp,
    provider: session?.provider ?? call.provider,
    model: session?.model ?? call.model,
    meta: { agent: kind, ...(session?.cwd ? { cwd: session.cwd } : {}) },
  };
}

function toEvent(call: ImportedCall, pricing: Pricing): UsageEvent {
  const priced = pricing.price(call.provider, call.model, call.usage, new Date(call.timestamp));
  return {
    id: call.id,
    sessionId: call.sessionId,
    timestamp: call.timestamp,
    provider: call.provider,
    model: call.model,
    usage: call.usage,
    source: 'provider',
    cost: priced.cost,
    ...(priced.reason ? { costReason: priced.reason } : {}),
    ...(call.tools ? { tools: call.tools } : {}),
    ...(call.agentId ? { agentId: call.agentId } : {}),
  };
}
