import { assertMessage, CtxkitError, type Message, type TokenCounter } from '@ctxkit/core';
import {
  addPinReason,
  INDEX_PIN,
  isPinnedGroup,
  type PinReasons,
  type PinSource,
  removePinReason,
} from './pinning.js';

/** A message in the window with its count (taken once, on entry) and the caller's reasons to pin it. */
interface Entry extends PinReasons {
  message: Message;
  tokens: number;
  seq: number;
  group: Group;
}

/**
 * An eviction unit: one message, or an assistant message with tool calls plus its results. A `user`
 * group also heads an exchange: the turns that follow it until the next user message.
 */
interface Group {
  seq: number;
  kind: 'system' | 'user' | 'turn';
  entries: Entry[];
  tokens: number;
  /** Tool-call ids of this group still waiting for their result. */
  open: Set<string> | undefined;
  /** For a turn: the user message that opened its exchange. */
  head: Group | undefined;
  /** For a user group: kept with `keepFirstUserMessage`. */
  firstUser: boolean;
  /** Number of entries pinned by the caller. */
  explicitPins: number;
  /** For a user group: pinned turns of its exchange, which keep it (a turn never loses its question). */
  anchors: number;
  /** For a user group: evictable (unpinned) kept turns of its exchange. */
  turnsInQueue: number;
  pinned: boolean;
  /** Physically present in the eviction queue (possibly as a pinned tombstone). */
  inQueue: boolean;
  kept: boolean;
  prev: Group | undefined;
  next: Group | undefined;
}

/** What one eviction pass removed. @internal */
export interface EvictionBatch {
  messages: Message[];
  tokens: number;
}

/**
 * The window's bookkeeping, shared by the stateful manager and the pure `fitToBudget`:
 * - every kept group sits in a doubly linked list in conversation order (output, O(1) removal);
 * - unpinned groups also sit in a seq-ordered deque (array + head index, pinned ones left as
 *   tombstones) so the oldest evictable group is found in O(1) amortized;
 * - running totals (`total`, `pinnedTokens`) are updated on every change, never re-summed.
 * @internal
 */
export class WindowState {
  total = 0;
  pinnedTokens = 0;
  private seq = 0;
  private first: Group | undefined;
  private last: Group | undefined;
  private queue: Group[] = [];
  private qHead = 0;
  /** Newest group: the only one that may have open tool calls. */
  private newest: Group | undefined;
  /** The newest user message: its exchange is still running, so it is never evicted. */
  private currentHead: Group | undefined;
  private seenNonSystem = false;
  private readonly byId = new Map<string, Set<Entry>>();
  private readonly callOwner = new Map<string, Group>();
  // Parallel arrays rather than entries, so evicted groups can be garbage-collected.
  private droppedMessages: Message[] = [];
  private droppedSeqs: number[] = [];
  private droppedSorted = true;
  private keptCount = 0;

  constructor(
    private readonly count: TokenCounter,
    private readonly keepFirstUserMessage: boolean,
  ) {}

  /** Number of kept messages. */
  get size(): number {
    return this.keptCount;
  }

  /**
   * Checks that `message` may follow the kept conversation and counts it, without changing anything.
   * @throws {CtxkitError} `INVALID_MESSAGE` / `INVALID_CONVERSATION` / `INVALID_ARGUMENT` (bad count).
   */
  prepare(message: Message): { tokens: number; required: number } {
    assertMessage(message);
    const open = this.newest?.open;
    if (message.role === 'tool') {
      const id = message.tool_call_id as string;
      if (!open?.has(id)) {
        throw new CtxkitError(
          'INVALID_CONVERSATION',
          `tool result ${id} does not answer a pending call of the newest assistant message`,
          { toolCallId: id, pendingToolCallIds: open ? [...open] : [] },
        );
      }
    } else {
      if (open && open.size > 0) {
        throw new CtxkitError(
          'INVALID_CONVERSATION',
          `a ${message.role} message cannot follow tool calls that have no result yet; add their results first`,
          { pendingToolCallIds: [...open] },
        );
      }
      if (!this.seenNonSystem && message.role !== 'system' && message.role !== 'user') {
        throw new CtxkitError(
          'INVALID_CONVERSATION',
          `the first non-system message must be a user message, not ${message.role}`,
          { role: message.role },
        );
      }
      const calls = message.tool_calls ?? [];
      const ids = calls.length > 1 ? new Set<string>() : undefined;
      for (const call of calls) {
        if (ids?.has(call.id) || this.callOwner.has(call.id)) {
          throw new CtxkitError('INVALID_CONVERSATION', `tool call id ${call.id} is already in the window`, {
            toolCallId: call.id,
          });
        }
        ids?.add(call.id);
      }
    }
    const tokens = this.count(message);
    return { tokens, required: this.requiredWith(message, tokens) };
  }

  /**
   * Tokens the window cannot go below once `message` is in: every pin, the newest turn group and the
   * user message its exchange started with. Computed before the change, so a refused add changes nothing.
   */
  private requiredWith(message: Message, tokens: number): number {
    let required = this.pinnedTokens + tokens;
    if (message.role === 'tool') {
      const group = this.newest as Group;
      if (!group.pinned) required += group.tokens;
    }
    const head = message.role === 'user' ? undefined : this.currentHead;
    if (head?.kept && !head.pinned) required += head.tokens;
    return required;
  }

  /** Tokens the current window cannot go below: pins, the newest group and its exchange's user message. */
  required(): number {
    let required = this.pinnedTokens;
    const newest = this.newest;
    if (newest && !newest.pinned) required += newest.tokens;
    const head = this.currentHead;
    if (head && head !== newest && head.kept && !head.pinned) required += head.tokens;
    return required;
  }

  /** For the `'first'` strategy: pins plus the first user message (the oldest turn). */
  requiredFirst(): number {
    let g = this.first;
    while (g && g.kind === 'system') g = g.next;
    return this.pinnedTokens + (g && !g.pinned ? g.tokens : 0);
  }

  /**
   * For the `'first'` strategy: keeps every pinned group plus the longest run of unpinned groups from
   * the start that fits; reads the state without changing it.
   */
  keepFirst(budget: number): { messages: Message[]; dropped: Message[]; totalTokens: number } {
    const messages: Message[] = [];
    const dropped: Message[] = [];
    let total = this.pinnedTokens;
    let open = true;
    for (let g = this.first; g; g = g.next) {
      const keep = g.pinned || (open && total + g.tokens <= budget);
      if (!g.pinned) {
        if (keep) total += g.tokens;
        else open = false;
      }
      for (const e of g.entries) (keep ? messages : dropped).push(e.message);
    }
    return { messages, dropped, totalTokens: total };
  }

  /** Appends a message already checked by {@link prepare}, pinned by the caller for each of `pins`. */
  append(message: Message, tokens: number, pins: readonly PinSource[]): void {
    const seq = this.seq++;
    let group: Group;
    if (message.role === 'tool') {
      group = this.newest as Group;
      group.open?.delete(message.tool_call_id as string);
    } else {
      const kind = message.role === 'system' ? 'system' : message.role === 'user' ? 'user' : 'turn';
      const firstUser = kind === 'user' && !this.seenNonSystem && this.keepFirstUserMessage;
      if (kind !== 'system') this.seenNonSystem = true;
      const calls = message.tool_calls ?? [];
      group = {
        seq,
        kind,
        entries: [],
        tokens: 0,
        open: calls.length > 0 ? new Set(calls.map((c) => c.id)) : undefined,
        head: kind === 'turn' ? this.currentHead : undefined,
        firstUser,
        explicitPins: 0,
        anchors: 0,
        turnsInQueue: 0,
        pinned: kind === 'system' || firstUser,
        inQueue: false,
        kept: true,
        prev: this.last,
        next: undefined,
      };
      for (const call of calls) this.callOwner.set(call.id, group);
      if (this.last) this.last.next = group;
      else this.first = group;
      this.last = group;
      this.newest = group;
      if (kind === 'user') this.currentHead = group;
      if (group.pinned) {
        if (group.head) this.addAnchor(group.head, 1);
      } else {
        this.queue.push(group);
        group.inQueue = true;
        if (group.head) group.head.turnsInQueue++;
      }
    }
    const entry: Entry = { message, tokens, seq, pins: undefined, group };
    group.entries.push(entry);
    group.tokens += tokens;
    this.total += tokens;
    if (group.pinned) this.pinnedTokens += tokens;
    this.keptCount++;
    if (message.id !== undefined) {
      const set = this.byId.get(message.id);
      if (set) set.add(entry);
      else this.byId.set(message.id, new Set([entry]));
    }
    for (const source of pins) this.addPin(entry, source);
  }

  /**
   * Evicts the oldest evictable groups until the total fits `budget`. The newest group and the newest
   * user message are never evicted; an exchange's user message leaves together with the last of its
   * turns, so the kept part always starts at a user message (or right after a pinned one).
   * With `bestEffort`, stops when nothing more may leave instead of throwing (fitToBudget's replay).
   */
  evictTo(budget: number, bestEffort = false): EvictionBatch {
    const batch: Entry[] = [];
    const before = this.total;
    while (this.total > budget) {
      const front = this.popFront();
      if (!front) break;
      if (front === this.newest) {
        this.pushFront(front);
        break;
      }
      if (front.kind === 'user' && (front.turnsInQueue > 0 || front === this.currentHead)) {
        // The user message stays while turns of its exchange are kept: evict its oldest turn instead.
        const turn = this.popFront();
        if (!turn || turn === this.newest || turn.head !== front) {
          if (turn) this.pushFront(turn);
          this.pushFront(front);
          break;
        }
        this.remove(turn, batch);
        if (front.turnsInQueue === 0 && front !== this.currentHead) this.remove(front, batch);
        else this.pushFront(front);
      } else {
        this.remove(front, batch);
      }
    }
    this.trimConsumedQueue();
    // Unreachable when `required` was checked first; loud rather than silently over budget.
    if (this.total > budget && !bestEffort) throw this.internal('no evictable group left', budget);
    if (batch.length > 1) batch.sort((a, b) => a.seq - b.seq);
    return { messages: batch.map((e) => e.message), tokens: before - this.total };
  }

  /** Kept messages in conversation order; `omitPending` leaves out a newest group with open calls. */
  messages(omitPending = false): Message[] {
    const out: Message[] = [];
    for (let g = this.first; g; g = g.next) {
      if (omitPending && g === this.newest && g.open && g.open.size > 0) break;
      for (const e of g.entries) out.push(e.message);
    }
    return out;
  }

  /** Tool-call ids of the newest assistant message that still wait for a result. */
  pendingToolCallIds(): string[] {
    const open = this.newest?.open;
    return open ? [...open] : [];
  }

  /** Every evicted message, in conversation order. */
  dropped(): Message[] {
    if (!this.droppedSorted) {
      // Rare (an exchange's user message leaves after its turns): nearly sorted, so the sort is cheap.
      const order = this.droppedSeqs.map((seq, i) => ({ seq, message: this.droppedMessages[i] as Message }));
      order.sort((a, b) => a.seq - b.seq);
      this.droppedSeqs = order.map((o) => o.seq);
      this.droppedMessages = order.map((o) => o.message);
      this.droppedSorted = true;
    }
    return [...this.droppedMessages];
  }

  /** Forgets the evicted messages (after a consumer has taken them). */
  clearDropped(): void {
    this.droppedMessages = [];
    this.droppedSeqs = [];
    this.droppedSorted = true;
  }

  /** Whether a kept message is pinned (for any reason); `false` when it is not in the window. O(n). */
  isPinnedMessage(message: Message): boolean {
    for (let g = this.first; g; g = g.next) {
      for (const e of g.entries) if (e.message === message) return g.pinned;
    }
    return false;
  }

  /**
   * Adds (`on`) or removes the `pin(id)` rule's pin on every kept message with this id; other
   * reasons a message is pinned stay. Returns how many messages became (or stopped being) pinned by
   * the caller.
   */
  pinId(id: string, on: boolean): number {
    let changed = 0;
    for (const entry of this.byId.get(id) ?? [])
      if (on ? this.addPin(entry, id) : this.removePin(entry, id)) changed++;
    return changed;
  }

  /**
   * Adds the predicate's pin to every kept message it accepts (`on`), or removes that predicate's pin
   * wherever it was set — whatever the predicate answers now.
   */
  pinWhere(predicate: (message: Message) => boolean, on: boolean): number {
    const matched: Entry[] = [];
    for (let g = this.first; g; g = g.next) {
      for (const e of g.entries) if (on ? predicate(e.message) : e.pins?.has(predicate)) matched.push(e);
    }
    let changed = 0;
    for (const e of matched) if (on ? this.addPin(e, predicate) : this.removePin(e, predicate)) changed++;
    return changed;
  }

  /** Sets (`on`) or clears the index pin of the kept message at `index` (conversation order). */
  pinIndex(index: number, on = true): boolean {
    let i = 0;
    for (let g = this.first; g; g = g.next) {
      if (index < i + g.entries.length) {
        const entry = g.entries[index - i] as Entry;
        return on ? this.addPin(entry, INDEX_PIN) : this.removePin(entry, INDEX_PIN);
      }
      i += g.entries.length;
    }
    throw new CtxkitError('INVALID_ARGUMENT', `no message at index ${index} (the window holds ${i})`, {
      index,
      size: i,
    });
  }

  /** Records one reason; `true` when the message was not pinned by the caller before. */
  private addPin(entry: Entry, source: PinSource): boolean {
    if (!entry.group.kept || !addPinReason(entry, source)) return false;
    entry.group.explicitPins++;
    this.refresh(entry.group);
    return true;
  }

  /** Forgets one reason; `true` when it was the last one (the caller's pin is gone). */
  private removePin(entry: Entry, source: PinSource): boolean {
    if (!entry.group.kept || !removePinReason(entry, source)) return false;
    entry.group.explicitPins--;
    this.refresh(entry.group);
    return true;
  }

  private addAnchor(head: Group, delta: number): void {
    head.anchors += delta;
    this.refresh(head);
  }

  /** Recomputes a group's pinned state and moves it between the pinned total and the queue. */
  private refresh(g: Group): void {
    const pinned = isPinnedGroup(g);
    if (pinned === g.pinned || !g.kept) return;
    g.pinned = pinned;
    if (pinned) {
      // Left in the queue as a tombstone; popFront discards it.
      this.pinnedTokens += g.tokens;
      if (g.head) {
        g.head.turnsInQueue--;
        this.addAnchor(g.head, 1);
      }
    } else {
      this.pinnedTokens -= g.tokens;
      if (!g.inQueue) this.insertSorted(g);
      if (g.head) {
        g.head.turnsInQueue++;
        this.addAnchor(g.head, -1);
      }
    }
  }

  private popFront(): Group | undefined {
    const q = this.queue;
    while (this.qHead < q.length) {
      const g = q[this.qHead] as Group;
      q[this.qHead++] = undefined as unknown as Group; // let evicted groups be collected
      g.inQueue = false;
      if (!g.pinned && g.kept) return g;
    }
    return undefined;
  }

  private pushFront(g: Group): void {
    this.queue[--this.qHead] = g;
    g.inQueue = true;
  }

  /**
   * Drops the consumed front of the queue once it is at least half of the array (amortized O(1)).
   * Only between eviction passes: `pushFront` relies on the slots just popped.
   */
  private trimConsumedQueue(): void {
    if (this.qHead >= 1024 && this.qHead * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.qHead);
      this.qHead = 0;
    }
  }

  /** Puts an unpinned group back at its place in the queue (O(n); only on unpin). */
  private insertSorted(g: Group): void {
    const q = this.queue;
    let lo = this.qHead;
    let hi = q.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((q[mid] as Group).seq < g.seq) lo = mid + 1;
      else hi = mid;
    }
    q.splice(lo, 0, g);
    g.inQueue = true;
  }

  private remove(g: Group, batch: Entry[]): void {
    g.kept = false;
    if (g.prev) g.prev.next = g.next;
    else this.first = g.next;
    if (g.next) g.next.prev = g.prev;
    else this.last = g.prev;
    g.prev = g.next = undefined;
    this.total -= g.tokens;
    this.keptCount -= g.entries.length;
    if (g.head) g.head.turnsInQueue--;
    const last = this.droppedSeqs.length > 0 ? (this.droppedSeqs[this.droppedSeqs.length - 1] as number) : -1;
    for (const e of g.entries) {
      batch.push(e);
      if (e.seq < last) this.droppedSorted = false;
      this.droppedMessages.push(e.message);
      this.droppedSeqs.push(e.seq);
      if (e.message.id !== undefined) this.byId.get(e.message.id)?.delete(e);
      for (const call of e.message.tool_calls ?? []) this.callOwner.delete(call.id);
    }
  }

  private internal(reason: string, budget: number): CtxkitError {
    // Unreachable when `required` was checked first; kept loud rather than silently over budget.
    return new CtxkitError('BUDGET_EXCEEDED', `sliding window: ${reason}`, {
      needed: this.required(),
      budget,
      total: this.total,
    });
  }
}
