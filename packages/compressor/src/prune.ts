import { type Message, messageText } from '@ctxkit/core';
import { compactionTag, stubMessage } from './summary-message.js';
import { type CallInfo, callInfo, clip, exitStatus, shortArgs } from './tool-info.js';
import type { Work } from './work.js';

const STRONG_ERROR =
  /^\s*(?:[\w.]*(?:Error|Exception)\b[:\s]|error(?:\[\w+\])?:|fatal:|npm ERR!|FAIL\b|panic:|Traceback \(most recent|.*\berror TS\d+:)/;

/** The stub that replaces a pruned tool output: tool, short arguments, exit status, first/last lines, errors. */
export function pruneStub(output: string, call: CallInfo | undefined): string {
  const lines = output.split('\n');
  const nonEmpty = lines.filter((l) => l.trim().length > 0);
  const status = exitStatus(output);
  const head = call ? `${call.name}(${shortArgs(call, 100)})` : 'tool';
  const parts = [
    `[ctxkit: output pruned] ${head}${status === undefined ? '' : ` → exit ${status}`}, ${lines.length} lines, ${output.length} chars`,
  ];
  if (nonEmpty.length > 0) parts.push(`first: ${clip(nonEmpty[0]!, 160)}`);
  if (nonEmpty.length > 1) parts.push(`last: ${clip(nonEmpty[nonEmpty.length - 1]!, 160)}`);
  // Error lines are ledger facts: keep them word for word.
  const errors = [
    ...new Set(
      lines.filter((l) => l.length <= 2000 && STRONG_ERROR.test(l)).map((l) => l.trim().slice(0, 200)),
    ),
  ];
  for (const e of errors.slice(0, 3)) parts.push(`error: ${e}`);
  return parts.join('\n');
}

/** Options of {@link pruneToolOutputs}. */
export interface PruneOptions {
  /** Newest tool-output tokens never pruned. */
  protectTokens: number;
  /** Newest assistant turns (with their results) never pruned. */
  protectTurns: number;
}

/**
 * Stage 2: replaces old tool outputs, oldest first, by stubs until the goal is met.
 * The newest `protectTokens` of tool output and the last `protectTurns` turns stay whole.
 * @returns the number of messages stubbed.
 * @internal
 */
export function pruneToolOutputs(work: Work, goal: number, options: PruneOptions): number {
  const msgs = work.messages;
  const protectedIdx = work.protectedSet();
  // The last N assistant turns stay whole.
  let turnsSeen = 0;
  let turnFloor = msgs.length;
  for (let i = msgs.length - 1; i >= 0 && turnsSeen < options.protectTurns; i--) {
    if (msgs[i]!.role === 'assistant') {
      turnsSeen++;
      turnFloor = i;
    }
  }
  // The newest tool-output tokens stay whole.
  let budget = options.protectTokens;
  let outputFloor = msgs.length;
  for (let i = msgs.length - 1; i >= 0; i--) {
    if (msgs[i]!.role !== 'tool') continue;
    budget -= work.count(msgs[i]!);
    if (budget < 0) break;
    outputFloor = i;
  }
  const floor = Math.min(turnFloor, outputFloor);
  const calls = new Map<string, CallInfo>();
  for (const m of msgs) for (const c of m.tool_calls ?? []) calls.set(c.id, callInfo(c));
  let total = work.total();
  let stubbed = 0;
  for (let i = 0; i < floor && total > goal; i++) {
    const m: Message = msgs[i]!;
    if (m.role !== 'tool' || protectedIdx.has(i) || compactionTag(m)) continue;
    const text = messageText(m);
    const stub = stubMessage(m, pruneStub(text, calls.get(m.tool_call_id ?? '')), 'prune');
    delete stub.images;
    const saved = work.count(m) - work.count(stub);
    if (saved <= 0) continue;
    msgs[i] = stub;
    total -= saved;
    stubbed++;
  }
  return stubbed;
}
