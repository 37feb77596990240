import { type Message, messageText } from '@ctxkit/core';
import { ensureLedger, type Ledger } from './ledger.js';
import { compactionTag, stubMessage, summaryMessage } from './summary-message.js';
import type { CompressionStep } from './types.js';
import type { WorkingConversation } from './working-conversation.js';

/**
 * Ledger items in the order a small window gives them up, least needed first: successful
 * commands, files only read, failed commands, todos, errors, files written or edited, constraints.
 */
const TRIM_ORDER: ((l: Ledger) => boolean)[] = [
  (l) => dropLast(l.commands, (c) => c.exitCode === undefined || c.exitCode === 0),
  (l) => dropLast(l.files, (f) => f.ops.every((op) => op === 'read')),
  (l) => dropLast(l.commands, () => true),
  (l) => dropLast(l.todos, () => true),
  (l) => dropLast(l.errors, () => true),
  (l) => dropLast(l.files, () => true),
  (l) => dropLast(l.constraints, () => true),
];

/** Removes the oldest item matching `pred`; whether one was removed. */
function dropLast<T>(items: T[], pred: (item: T) => boolean): boolean {
  const at = items.findIndex(pred);
  if (at < 0) return false;
  items.splice(at, 1);
  return true;
}

function copyLedger(l: Ledger): Ledger {
  return {
    files: l.files.map((f) => ({ ...f, ops: [...f.ops] })),
    commands: l.commands.map((c) => ({ ...c })),
    errors: [...l.errors],
    constraints: [...l.constraints],
    todos: [...l.todos],
    omitted: l.omitted,
  };
}

/** The summary body without its Facts section (the facts are rendered again from the trimmed ledger). */
function bodyOf(summary: string): string {
  const at = summary.search(/^## Facts\b/m);
  return (at >= 0 ? summary.slice(0, at) : summary).trim();
}

/**
 * The small-window degradation, run when the stages could not bring the request under `budget`
 * (the usable window less extra tokens), in this order:
 * 1. trim the summary's ledger by priority ({@link TRIM_ORDER}), then its prose;
 * 2. shorten the largest protected message that is neither a system message nor pinned, keeping its head and tail around an
 *    explicit elision marker (the original rides along in metadata, as stubs do).
 * Whatever still does not fit is the caller's `BUDGET_EXCEEDED`.
 * @internal
 */
export function fitSmallWindow(
  work: WorkingConversation,
  budget: number,
): { steps: CompressionStep[]; summary?: string; ledger?: Ledger } | undefined {
  const steps: CompressionStep[] = [];
  const out: { steps: CompressionStep[]; summary?: string; ledger?: Ledger } = { steps };
  const at = work.messages.findIndex((m) => compactionTag(m)?.kind === 'summary');
  if (at >= 0 && work.total() > budget) {
    const start = work.total();
    const old = work.messages[at]!;
    const tag = compactionTag(old) as Extract<ReturnType<typeof compactionTag>, { kind: 'summary' }>;
    const ledger = copyLedger(tag.ledger);
    let body = bodyOf(tag.summary);
    let removed = 0;
    const rebuild = () => {
      const text = ensureLedger(body, ledger);
      work.messages[at] = summaryMessage(text, ledger, tag.originals, tag.kept ?? []);
      return text;
    };
    // The prose goes first when it is larger than what is missing, else item by item from the ledger.
    let text = tag.summary;
    const over = () => work.total() > budget;
    for (let rule = 0; over() && rule < TRIM_ORDER.length; ) {
      if (TRIM_ORDER[rule]!(ledger)) {
        removed++;
        ledger.omitted++;
        text = rebuild();
      } else rule++;
    }
    while (over() && body.length > 0) {
      body = body.length > 200 ? body.slice(0, Math.floor(body.length / 2)).trimEnd() : '';
      text = rebuild();
      removed++;
    }
    if (removed > 0) {
      steps.push({ kind: 'trim-ledger', tokensSaved: start - work.total(), messages: removed });
      out.summary = text;
      out.ledger = ledger;
    }
  }
  if (work.total() > budget) {
    const start = work.total();
    const protectedIdx = [...work.protectedSet()].filter((i) => {
      const m = work.messages[i]!;
      // Pins are the caller's promise: kept word for word, like system messages.
      return (
        m.role !== 'system' &&
        m.pinned !== true &&
        typeof m.content === 'string' &&
        compactionTag(m)?.kind !== 'summary'
      );
    });
    let elided = 0;
    // Largest first; each is cut to what the overshoot needs (a later one only when one is not enough).
    protectedIdx.sort((a, b) => work.count(work.messages[b]!) - work.count(work.messages[a]!));
    for (const i of protectedIdx) {
      const over = work.total() - budget;
      if (over <= 0) break;
      const m = work.messages[i]!;
      const shortened = elide(m, work.count(m) - over - 16, work);
      if (!shortened) continue;
      work.messages[i] = shortened;
      elided++;
    }
    if (elided > 0) steps.push({ kind: 'elide', tokensSaved: start - work.total(), messages: elided });
  }
  return steps.length > 0 ? out : undefined;
}

/** The message cut to at most `maxTokens`, head and tail kept, or `undefined` when it cannot shrink. */
function elide(m: Message, maxTokens: number, work: WorkingConversation): Message | undefined {
  const text = messageText(m);
  const count = work.count(m);
  if (text.length < 400) return undefined;
  let keep = Math.floor((text.length * Math.max(0, maxTokens)) / count / 2);
  for (let round = 0; round < 8; round++) {
    const headChars = Math.max(0, keep);
    const content =
      headChars === 0
        ? `[ctxkit: ${text.length} characters of this message elided to fit the context window]`
        : `${text.slice(0, headChars)}\n[ctxkit: ${text.length - 2 * headChars} characters elided from the middle of this message to fit the context window]\n${text.slice(-headChars)}`;
    const out = stubMessage(m, content, 'prune');
    delete out.images;
    if (work.count(out) <= Math.max(maxTokens, 1) || headChars === 0) {
      return work.count(out) < count ? out : undefined;
    }
    keep = Math.floor(keep * 0.8);
  }
  return undefined;
}
