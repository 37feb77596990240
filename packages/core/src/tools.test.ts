import { describe, expect, it } from 'vitest';
import { CtxkitError } from './errors.js';
import { normalizeToolDefinition, toolSchemaText } from './tools.js';

const parameters = { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] };

describe('normalizeToolDefinition', () => {
  it('gives the three shapes of one tool the same flat form', () => {
    const flat = normalizeToolDefinition({ name: 'read', description: 'Read a file', parameters });
    const openai = normalizeToolDefinition({
      type: 'function',
      function: { name: 'read', description: 'Read a file', parameters, strict: true },
    });
    const anthropic = normalizeToolDefinition({
      name: 'read',
      description: 'Read a file',
      input_schema: parameters,
    });
    expect(flat).toEqual({ name: 'read', description: 'Read a file', parameters });
    expect(openai).toEqual(flat);
    expect(anthropic).toEqual(flat);
  });

  it("keeps OpenAI Responses' flat shape with a type field", () => {
    expect(normalizeToolDefinition({ type: 'function', name: 'ls', parameters })).toEqual({
      name: 'ls',
      parameters,
    });
  });

  it('names the index and the accepted shapes when there is no name', () => {
    for (const bad of [
      null,
      'read',
      {},
      { type: 'function', function: { description: 'x' } },
      { function: 'read' },
    ]) {
      let error: unknown;
      try {
        normalizeToolDefinition(bad, 3);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CtxkitError);
      expect((error as CtxkitError).code).toBe('INVALID_ARGUMENT');
      expect((error as CtxkitError).details).toEqual({ index: 3 });
      expect((error as CtxkitError).message).toContain('input_schema');
    }
  });
});

describe('toolSchemaText', () => {
  it('is the JSON of the schema, empty for a tool without parameters', () => {
    expect(toolSchemaText({ name: 'read', parameters })).toBe(JSON.stringify(parameters));
    expect(toolSchemaText({ name: 'ls' })).toBe('');
  });

  it('refuses a schema that cannot be serialized with INVALID_ARGUMENT and its index', () => {
    const circular: Record<string, unknown> = { type: 'object' };
    circular.self = circular;
    let thrown: unknown;
    try {
      toolSchemaText({ name: 'loop', parameters: circular }, 3);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CtxkitError);
    expect((thrown as CtxkitError).code).toBe('INVALID_ARGUMENT');
    expect((thrown as CtxkitError).details).toEqual({ index: 3 });
  });
});
