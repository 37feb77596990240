/**
 * `@ctxkit/sliding-window` — a fixed-token context window with pinning that never splits a tool call
 * from its result: every output passes `validateConversation`, pins never leave, the budget is never
 * exceeded, and each add is O(1) amortized.
 *
 * @packageDocumentation
 */

export { type FitOptions, type FitResult, fitToBudget } from './fit.js';
export { groupTurns, type TurnGroup } from './groups.js';
export {
  type EvictionEvent,
  type EvictListener,
  type PinTarget,
  SlidingWindowContextManager,
  type SlidingWindowOptions,
  type WindowMessagesOptions,
} from './manager.js';
