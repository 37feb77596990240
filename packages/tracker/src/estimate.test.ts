import { describe, expect, it } from 'vitest';
import { estimateBreakdown } from './estimate.js';

describe('estimateBreakdown tool definitions', () => {
  it('counts the flat, OpenAI and Anthropic shapes of a tool the same', () => {
    const count = (text: string) => text.length;
    const parameters = { type: 'object', properties: { cmd: { type: 'string' } } };
    const shapes = [
      { name: 'bash', description: 'Run a command', parameters },
      { type: 'function' as const, function: { name: 'bash', description: 'Run a command', parameters } },
      { name: 'bash', description: 'Run a command', input_schema: parameters },
    ];
    const counts = shapes.map((tool) => estimateBreakdown([], count, [tool]).breakdown.toolDefinitions);
    expect(counts[0]).toBe(count(`bash\nRun a command\n${JSON.stringify(parameters)}`));
    expect(counts).toEqual([counts[0], counts[0], counts[0]]);
  });
});
