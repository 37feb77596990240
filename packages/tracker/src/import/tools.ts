import type { ToolUsage } from '../types.js';

/** Counts one call of `name` (result tokens are not in the logs: 0). */
export function countTool(tools: Record<string, ToolUsage>, name: string): void {
  const entry = tools[name] ?? { count: 0, resultTokens: 0 };
  entry.count++;
  tools[name] = entry;
}
