import type { CommandContext } from '../context.js';
import { type ParsedConversation, parseConversation } from './conversation.js';
import { readInputText } from './read-input.js';

/**
 * Reads and parses a conversation file (or `-`), warning on standard error
 * about lines skipped (with the first one's number) unless `strict` made them fatal.
 * @throws {CtxkitError} for unusable input (see {@link readInputText} and {@link parseConversation}).
 */
export function loadConversation(
  ctx: CommandContext,
  file: string,
  options: { strict?: boolean },
): ParsedConversation {
  const input = readInputText(file);
  const parsed = parseConversation(input.text, { strict: options.strict ?? false, name: file });
  if (parsed.skipped.length > 0) {
    const first = parsed.skipped[0]!;
    ctx.warn(
      `${file}: skipped ${parsed.skipped.length} unusable line(s); first at line ${first.line}: ${first.reason} (--strict fails instead)`,
    );
  }
  return parsed;
}
