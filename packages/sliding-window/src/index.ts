/**
 * `@ctxkit/sliding-window` — a fixed-token context window with pinning that never splits a tool call
 * from its result: every output passes `validateConversation`, pins never leave, the budget is never
 * exceeded, and each add is O(1) amortized.
 *
 * @packageDocumentation
 */

// Turn grouping is defined once, in core (the compressor groups by the same rule); re-exported so
// the window's API keeps its names.
export { groupTurns, type TurnGroup } from '@ctxkit/core';
export { type FitOptions, type FitResult, fitToBudget } from './fit.js';
export {
  type EvictionEvent,
  type EvictListener,
  SlidingWindowContextManager,
  type SlidingWindowOptions,
  type WindowMessagesOptions,
} from './manager.js';
export type { PinTarget } from './pinning.js';
