import { assertText } from '../assert-text.js';
import { CLAUDE_SPAN_FRAMING } from './claude-coefficients.js';
import { CLAUDE_SET, estimateWith } from './fallback.js';

/**
 * Estimates the Claude 3+/4.x token count of a text (Anthropic publishes no tokenizer
 * for these models). Character-class coefficients fitted to the Claude-2 tokenizer,
 * scaled by a factor fitted on provider-reported usage of real Claude Code sessions
 * (`scripts/calibrate-claude.ts`); no vocabulary is loaded.
 *
 * Counts text only: add {@link CLAUDE_FRAMING} for message, tool-call, tool-result and
 * tool-definition framing.
 *
 * @throws CtxkitError `INVALID_ARGUMENT` when `text` is not a string.
 * @param text - the text to estimate.
 */
export function estimateClaudeTokens(text: string): number {
  assertText(text, 'estimateClaudeTokens');
  return estimateWith(text, CLAUDE_SET);
}

/**
 * Framing overheads of the Anthropic Messages API, in Claude tokens, to add to the
 * text estimates of {@link estimateClaudeTokens}.
 *
 * - `perMessage`, `perToolCall`, `perToolResult`: fitted on the growth of
 *   `prompt_tokens` between consecutive calls of real sessions (`*.usage.jsonl`) —
 *   per new API message (consecutive tool results and user text form one message),
 *   per `tool_use` block (on top of its name and JSON input) and per `tool_result`
 *   block (on top of its content).
 * - `perToolDefinition`: not measurable from the sessions (tool definitions are in
 *   every prompt and cancel out); a documented guess for the wrapper around each
 *   definition's name + description + JSON schema, which are counted as text.
 * - `perRequest`: the tool-use system prompt Anthropic documents for Claude 4.x models
 *   (346 tokens with `tool_choice` auto/none), added once when tools are sent.
 *
 * Each is a whole number of tokens (the fit's values rounded), so every count is an integer.
 */
export const CLAUDE_FRAMING = {
  perMessage: Math.round(CLAUDE_SPAN_FRAMING.perMessage),
  perToolCall: Math.round(CLAUDE_SPAN_FRAMING.perToolCall),
  perToolResult: Math.round(CLAUDE_SPAN_FRAMING.perToolResult),
  perToolDefinition: 12,
  perRequest: 346,
} as const;
