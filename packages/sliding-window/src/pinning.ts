import { CtxkitError, type Message } from '@ctxkit/core';

// Pinning: what keeps a message in the window, and why. The window's bookkeeping (`window-state.ts`)
// counts pinned groups apart from the eviction queue; the reasons and the rules live here.

/** What {@link SlidingWindowContextManager.pin} and `unpin` accept: a message id or a predicate. */
export type PinTarget = string | ((message: Message) => boolean);

/**
 * Why the caller pinned a message: its own `pinned: true` flag ({@link FLAG_PIN}), `pinMessage(index)`
 * or `fitToBudget`'s `pinned` option ({@link INDEX_PIN}), a `pin(id)` rule (the id string) or a
 * `pin(predicate)` rule (the function).
 * @internal
 */
export type PinSource = string | ((message: Message) => boolean) | symbol;

/** The message's own `pinned: true`: it travels with the message, so no unpin removes it. @internal */
export const FLAG_PIN: unique symbol = Symbol('message.pinned');
/** A pin set by `pinMessage(index)`, removed by `unpinMessage(index)`. @internal */
export const INDEX_PIN: unique symbol = Symbol('pinMessage');

/** Something that records the reasons it is pinned by the caller (a message in the window). @internal */
export interface PinReasons {
  /** Every reason the caller pinned it; pinned by the caller while any remains. */
  pins: Set<PinSource> | undefined;
}

/** Records one reason; `true` when there was none before (the caller's pin starts now). @internal */
export function addPinReason(holder: PinReasons, source: PinSource): boolean {
  const first = holder.pins === undefined || holder.pins.size === 0;
  if (holder.pins) holder.pins.add(source);
  else holder.pins = new Set([source]);
  return first;
}

/** Forgets one reason; `true` when it was the last one (the caller's pin is gone). @internal */
export function removePinReason(holder: PinReasons, source: PinSource): boolean {
  return holder.pins?.delete(source) === true && holder.pins.size === 0;
}

/**
 * Whether a turn group stays whatever the budget: a system message, the first user message kept by
 * `keepFirstUserMessage`, a group holding a message the caller pinned, or the user message that a
 * pinned turn answers (an anchor: a turn never loses its question).
 * @internal
 */
export function isPinnedGroup(group: {
  kind: 'system' | 'user' | 'turn';
  firstUser: boolean;
  explicitPins: number;
  anchors: number;
}): boolean {
  return group.kind === 'system' || group.firstUser || group.explicitPins > 0 || group.anchors > 0;
}

/** The manager's pin rules: ids and predicates that pin matching messages, now and when added later. @internal */
export class PinRules {
  private readonly ids = new Set<string>();
  private readonly predicates = new Set<(message: Message) => boolean>();

  /** Adds (`on`) or removes the rule `target` names; `false` when it is neither an id nor a function. */
  set(target: PinTarget, on: boolean): boolean {
    if (typeof target === 'string') {
      if (on) this.ids.add(target);
      else this.ids.delete(target);
      return true;
    }
    if (typeof target === 'function') {
      if (on) this.predicates.add(target);
      else this.predicates.delete(target);
      return true;
    }
    return false;
  }

  /** Every reason the caller pins a message being added: its flag and each rule it matches. */
  sourcesOf(message: Message): PinSource[] {
    const pins: PinSource[] = [];
    if (message.pinned === true) pins.push(FLAG_PIN);
    if (message.id !== undefined && this.ids.has(message.id)) pins.push(message.id);
    for (const rule of this.predicates) if (rule(message)) pins.push(rule);
    return pins;
  }
}

/**
 * `fitToBudget`'s `pinned` option as a predicate: a list of ids, a predicate, or nothing.
 * @throws {CtxkitError} `INVALID_ARGUMENT` for anything else.
 * @internal
 */
export function pinPredicate(
  pinned: Iterable<string> | ((message: Message, index: number) => boolean) | undefined,
): (message: Message, index: number) => boolean {
  if (pinned === undefined) return () => false;
  if (typeof pinned === 'function') return pinned;
  if (pinned !== null && typeof (pinned as Iterable<string>)[Symbol.iterator] === 'function') {
    const ids = new Set(pinned);
    return (m) => m.id !== undefined && ids.has(m.id);
  }
  throw new CtxkitError('INVALID_ARGUMENT', 'fitToBudget: pinned must be a list of ids or a predicate');
}
