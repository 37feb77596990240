import { isCtxkitError, type Message } from '@ctxkit/core';
import { describe, expect, it } from 'vitest';
import { estimateBreakdown } from './breakdown-estimate.js';

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

describe('estimateBreakdown rules shared with @ctxkit/core and @ctxkit/tokenizers', () => {
  const count = (text: string) => text.length;

  it('counts a tool without parameters as its name and description, no invented schema', () => {
    const { toolDefinitions } = estimateBreakdown([], count, [
      { name: 'ls', description: 'List files' },
    ]).breakdown;
    expect(toolDefinitions).toBe(count('ls\nList files\n'));
    expect(toolDefinitions).not.toBe(count('ls\nList files\n{}'));
  });

  it('refuses a schema that cannot be serialized with a typed error naming the tool', () => {
    const circular: Record<string, unknown> = { type: 'object' };
    circular.self = circular;
    let thrown: unknown;
    try {
      estimateBreakdown([], count, [{ name: 'ok' }, { name: 'loop', parameters: circular }]);
    } catch (error) {
      thrown = error;
    }
    expect(isCtxkitError(thrown) && thrown.code).toBe('INVALID_ARGUMENT');
    expect(isCtxkitError(thrown) && thrown.details).toEqual({ index: 1 });
  });

  it('counts a message of a role it does not know as assistant instead of dropping it', () => {
    const messages = [
      { role: 'developer', content: 'Answer in French.' },
      { role: 'user', content: 'Hello' },
    ] as unknown as Message[];
    const estimate = estimateBreakdown(messages, count);
    expect(estimate.breakdown.assistant).toBe(count('Answer in French.'));
    expect(estimate.total).toBe(count('Answer in French.') + count('Hello'));
  });

  it('files tool results under the name of the call they answer', () => {
    const messages: Message[] = [
      { role: 'user', content: 'list' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'bash', arguments: { cmd: 'ls' } } }],
      },
      { role: 'tool', content: 'a.ts b.ts', tool_call_id: 'c1' },
    ];
    const estimate = estimateBreakdown(messages, count);
    expect(estimate.toolResults).toEqual({ bash: { count: 1, resultTokens: count('a.ts b.ts') } });
    expect(estimate.breakdown.assistant).toBe(count('bash') + count('{"cmd":"ls"}'));
    expect(estimate.total).toBe(count('list') + estimate.breakdown.assistant + count('a.ts b.ts'));
  });
});
