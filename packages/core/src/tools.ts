import { CtxkitError } from './errors.js';
import type { ToolDefinition } from './types.js';

/** A tool as OpenAI's Chat Completions API takes it: `{ type: 'function', function: { … } }`. */
export interface OpenAIToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

/** A tool as Anthropic's Messages API takes it: the schema under `input_schema`. */
export interface AnthropicToolDefinition {
  name: string;
  description?: string;
  input_schema?: Record<string, unknown>;
}

/**
 * A tool definition in any of the shapes ctxkit accepts: the flat {@link ToolDefinition}
 * (`{ name, description, parameters }`, also OpenAI's Responses API shape), OpenAI Chat's and Anthropic's.
 */
export type AnyToolDefinition = ToolDefinition | OpenAIToolDefinition | AnthropicToolDefinition;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The flat `{ name, description?, parameters? }` form of a tool definition given in any accepted shape.
 * The three shapes of one tool give the same form, so they count the same.
 *
 * @param tool a flat, OpenAI (`{ type: 'function', function }`) or Anthropic (`{ name, input_schema }`) definition
 * @param index its position in the tools array, named in the error
 * @default index 0
 * @throws {CtxkitError} `INVALID_ARGUMENT` (details `{ index }`) when no name can be found
 * @example
 * ```ts
 * normalizeToolDefinition({ type: 'function', function: { name: 'read', parameters: { type: 'object' } } });
 * // { name: 'read', parameters: { type: 'object' } }
 * ```
 */
export function normalizeToolDefinition(tool: unknown, index = 0): ToolDefinition {
  const source = isObject(tool) && isObject(tool.function) && tool.name === undefined ? tool.function : tool;
  if (!isObject(source) || typeof source.name !== 'string') {
    throw new CtxkitError(
      'INVALID_ARGUMENT',
      `Tool definition ${index} has no name (expected { name, description?, parameters? }, ` +
        `OpenAI's { type: 'function', function: { name, … } } or Anthropic's { name, input_schema })`,
      { index },
    );
  }
  const out: ToolDefinition = { name: source.name };
  if (typeof source.description === 'string') out.description = source.description;
  const schema = source.parameters ?? source.input_schema;
  if (schema !== undefined) out.parameters = schema as Record<string, unknown>;
  return out;
}

/**
 * The JSON text of a tool definition's parameter schema, as it is counted: `''` for a tool without
 * parameters (no schema is sent), else `JSON.stringify` of the schema.
 *
 * @param tool - a tool in the flat form {@link normalizeToolDefinition} gives.
 * @param index - its position in the tools array, named in the error.
 * @default index 0
 * @throws {CtxkitError} `INVALID_ARGUMENT` (details `{ index }`) when the schema cannot be serialized
 *   (a cycle, a `BigInt`).
 * @example
 * ```ts
 * toolSchemaText({ name: 'ls' }); // ''
 * toolSchemaText({ name: 'read', parameters: { type: 'object' } }); // '{"type":"object"}'
 * ```
 */
export function toolSchemaText(tool: ToolDefinition, index = 0): string {
  if (tool.parameters === undefined) return '';
  try {
    return JSON.stringify(tool.parameters) ?? '';
  } catch (cause) {
    throw new CtxkitError(
      'INVALID_ARGUMENT',
      `Tool definition ${index} has parameters that cannot be serialized to JSON`,
      { index },
      { cause },
    );
  }
}
