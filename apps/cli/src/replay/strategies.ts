import type { ContextStrategy } from './types.js';

/** `--strategy none`: send everything, as an agent without context management does. */
export function noneStrategy(): ContextStrategy {
  return {
    name: 'none',
    description: 'no context management (every message is sent)',
    prepare: async ({ context }) => ({ context, events: [] }),
  };
}
