// Writes a real conversation the way Claude Code logs it.
import { type AnthropicBlock, type Message, toAnthropic } from '@ctxkit/core';

/** Anthropic usage fields as Claude Code records them on assistant lines. */
export interface RawUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

/**
 * One line per content block of an assistant response (all sharing `message.id`, the usage on each,
 * as Claude Code streams them), tool results as user lines, a thinking block first, and the
 * non-conversation lines Claude Code interleaves (snapshots, hook progress, queue operations,
 * sidechain lines). `usageFor(k)` gives the usage of the k-th assistant response.
 */
export function toClaudeCodeLog(
  messages: Message[],
  options: {
    sessionId?: string;
    model?: string;
    usageFor?: (k: number) => RawUsage | undefined;
    start?: Date;
  } = {},
): string {
  const sessionId = options.sessionId ?? 'sess-1';
  const model = options.model ?? 'claude-opus-4-6';
  const { messages: anthropic } = toAnthropic(messages.filter((m) => m.role !== 'system'));
  const rows: unknown[] = [
    { type: 'file-history-snapshot', messageId: 'm0', snapshot: {}, isSnapshotUpdate: false },
  ];
  const base = { isSidechain: false, userType: 'external', sessionId, version: '2.1.38' };
  let clock = (options.start ?? new Date('2026-02-10T22:57:51.000Z')).getTime();
  const timestamp = () => {
    clock += 1000;
    return new Date(clock).toISOString();
  };
  let k = 0;
  anthropic.forEach((m, i) => {
    if (m.role === 'user') {
      rows.push({
        ...base,
        type: 'user',
        uuid: `u${i}`,
        timestamp: timestamp(),
        message: { role: 'user', content: m.content },
      });
      rows.push({
        ...base,
        type: 'progress',
        data: { type: 'hook_progress' },
        uuid: `p${i}`,
        timestamp: timestamp(),
      });
      return;
    }
    const usage = options.usageFor?.(k) ?? { input_tokens: 3, output_tokens: 10 + k };
    k++;
    const lines: AnthropicBlock[] = [
      { type: 'thinking', thinking: 'hmm', signature: 's' },
      ...(m.content as AnthropicBlock[]),
    ];
    const at = timestamp();
    for (const b of lines) {
      rows.push({
        ...base,
        type: 'assistant',
        uuid: `a${i}-${rows.length}`,
        timestamp: at,
        message: { model, id: `msg_${i}`, type: 'message', role: 'assistant', content: [b], usage },
      });
    }
    rows.push({ type: 'queue-operation', operation: 'enqueue', sessionId, content: '/mcp' });
    rows.push({
      ...base,
      isSidechain: true,
      type: 'user',
      uuid: `s${i}`,
      message: { role: 'user', content: 'subagent prompt' },
    });
  });
  return rows.map((r) => JSON.stringify(r)).join('\n');
}
