// fast-check generators of agent scripts: valid tool-call histories (parallel calls answered in any
// order, a live loop's pending tail) interleaved with pin and unpin steps, for property suites.
import fc from 'fast-check';
import type { TestMessage } from './messages.js';

/** One step of a generated script. */
export type Op =
  | { kind: 'add'; message: TestMessage }
  | { kind: 'pin'; id: string }
  | { kind: 'unpin'; id: string }
  | { kind: 'pinIndex'; index: number }
  | { kind: 'unpinIndex'; index: number }
  /** `pin` / `unpin` of {@link pinRule}, a predicate rule. */
  | { kind: 'pinRule' }
  | { kind: 'unpinRule' };

/** The predicate rule generated scripts pin and unpin: messages whose id ends in 3 or 7. */
export const pinRule = (m: { id?: string }): boolean => m.id !== undefined && /[37]$/.test(m.id);

interface Step {
  type:
    | 'system'
    | 'user'
    | 'assistant'
    | 'tools'
    | 'pin'
    | 'unpin'
    | 'pinIndex'
    | 'unpinIndex'
    | 'pinRule'
    | 'unpinRule';
  size: number;
  calls: number;
  order: number;
  pinned: boolean;
  parts: boolean;
  objectArgs: boolean;
  target: number;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  type: fc.oneof(
    { weight: 1, arbitrary: fc.constant('system' as const) },
    { weight: 4, arbitrary: fc.constant('user' as const) },
    { weight: 3, arbitrary: fc.constant('assistant' as const) },
    { weight: 5, arbitrary: fc.constant('tools' as const) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'pin' as const,
        'unpin' as const,
        'pinIndex' as const,
        'unpinIndex' as const,
        'pinRule' as const,
        'unpinRule' as const,
      ),
    },
  ),
  // Empty, small, medium and huge contents (huge ones exceed the small budgets on their own).
  size: fc.oneof(
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 120 }) },
    { weight: 2, arbitrary: fc.integer({ min: 121, max: 1_200 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1_201, max: 12_000 }) },
  ),
  calls: fc.integer({ min: 1, max: 4 }),
  order: fc.nat(),
  pinned: fc.integer({ min: 0, max: 5 }).map((x) => x === 0),
  parts: fc.boolean(),
  objectArgs: fc.boolean(),
  target: fc.nat(),
});

function text(size: number): string {
  return 'lorem ipsum '.repeat(Math.ceil(size / 12)).slice(0, size);
}

/**
 * Builds a valid agent script from random steps: the first non-system message is the user's, every
 * assistant tool call gets its results right after it (in a shuffled order for parallel calls), and
 * with `pendingTail` the last assistant may be left waiting for some results (a live loop).
 */
export function buildScript(steps: readonly Step[], pendingTail: boolean): Op[] {
  const ops: Op[] = [];
  let n = 0;
  let seenNonSystem = false;
  const content = (s: Step, size = s.size): TestMessage['content'] =>
    s.parts ? [{ type: 'text', text: text(size) }] : text(size);
  steps.forEach((s, stepIndex) => {
    if (s.type === 'pin' || s.type === 'unpin') {
      if (n > 0) ops.push({ kind: s.type, id: `m${s.target % n}` });
      return;
    }
    if (s.type === 'pinIndex' || s.type === 'unpinIndex') {
      ops.push({ kind: s.type, index: s.target % 64 });
      return;
    }
    if (s.type === 'pinRule' || s.type === 'unpinRule') {
      ops.push({ kind: s.type });
      return;
    }
    let type = s.type;
    if (!seenNonSystem && type !== 'system') type = 'user';
    if (type !== 'system') seenNonSystem = true;
    const id = () => `m${n++}`;
    if (type === 'tools') {
      const callIds = Array.from({ length: s.calls }, (_, i) => `c${n}_${i}`);
      ops.push({
        kind: 'add',
        message: {
          id: id(),
          role: 'assistant',
          content: s.size % 3 === 0 ? '' : content(s, s.size % 200),
          tool_calls: callIds.map((cid) => ({
            id: cid,
            type: 'function',
            function: {
              name: 'read_file',
              arguments: s.objectArgs ? { path: `src/${cid}.ts` } : JSON.stringify({ path: `src/${cid}.ts` }),
            },
          })),
          ...(s.pinned && s.order % 2 === 0 ? { pinned: true } : {}),
        },
      });
      // Results arrive in any order; parallel calls may finish out of order.
      const order = [...callIds];
      for (let i = order.length - 1; i > 0; i--) {
        const j = (s.order >> i) % (i + 1);
        [order[i], order[j]] = [order[j] as string, order[i] as string];
      }
      const last = stepIndex === steps.length - 1;
      const count = pendingTail && last ? s.order % order.length : order.length;
      order.slice(0, count).forEach((cid, i) => {
        ops.push({
          kind: 'add',
          message: {
            id: id(),
            role: 'tool',
            tool_call_id: cid,
            content: content(s, i === 0 ? s.size : s.size % 300),
            ...(s.pinned && s.order % 2 === 1 && i === 0 ? { pinned: true } : {}),
          },
        });
      });
      return;
    }
    ops.push({
      kind: 'add',
      message: {
        id: id(),
        role: type as 'system' | 'user' | 'assistant',
        content: content(s),
        ...(s.pinned ? { pinned: true } : {}),
      },
    });
  });
  return ops;
}

/** Scripts of up to `maxSteps` steps, sometimes ending in a live loop. */
export function scriptArb(maxSteps = 40): fc.Arbitrary<Op[]> {
  return fc
    .tuple(fc.array(stepArb, { minLength: 1, maxLength: maxSteps }), fc.boolean())
    .map(([steps, pending]) => buildScript(steps, pending));
}
