import { messageText } from '@ctxkit/core';
import { compactionTag, stubMessage } from './summary-message.js';
import { type CallInfo, callInfo, callPath, fileOp, PATH_KEYS } from './tool-info.js';
import type { WorkingConversation } from './working-conversation.js';

const PATH_ARG = new Set(PATH_KEYS);

/** A read's range arguments (offset, limit, view_range…): everything but the path. */
function rangeKey(call: CallInfo): string {
  const rest = Object.entries(call.args).filter(([k]) => !PATH_ARG.has(k) && k !== 'command');
  return JSON.stringify(rest);
}

/**
 * Stage 1: an older read of a file that is read again later becomes a short stub.
 * A later read supersedes an earlier one when it reads the whole file or the same range.
 * @returns the number of messages stubbed.
 * @internal
 */
export function supersedeReads(work: WorkingConversation, goal: number): number {
  const msgs = work.messages;
  const protectedIdx = work.protectedSet();
  const calls = new Map<string, CallInfo>();
  const reads: { index: number; path: string; range: string }[] = [];
  msgs.forEach((m, i) => {
    for (const c of m.tool_calls ?? []) calls.set(c.id, callInfo(c));
    if (m.role !== 'tool') return;
    const call = calls.get(m.tool_call_id ?? '');
    if (!call || fileOp(call) !== 'read') return;
    const path = callPath(call);
    if (path) reads.push({ index: i, path, range: rangeKey(call) });
  });
  // Newest read per path and range; whole-file reads cover every range.
  let total = work.total();
  let stubbed = 0;
  for (let r = 0; r < reads.length && total > goal; r++) {
    const read = reads[r]!;
    const later = reads
      .slice(r + 1)
      .some((x) => x.path === read.path && (x.range === '[]' || x.range === read.range));
    if (!later || protectedIdx.has(read.index)) continue;
    const m = msgs[read.index]!;
    if (compactionTag(m)) continue;
    const stub = stubMessage(
      m,
      `[ctxkit: superseded] Older read of ${read.path}; the file was read again later (see the newer result).`,
      'supersede',
    );
    if (messageText(stub).length >= messageText(m).length) continue;
    const saved = work.count(m) - work.count(stub);
    if (saved <= 0) continue;
    msgs[read.index] = stub;
    total -= saved;
    stubbed++;
  }
  return stubbed;
}
