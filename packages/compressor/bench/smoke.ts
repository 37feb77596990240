import { messageText, toolArgumentsToObject, validateConversation, type Message } from '@ctxkit/core';
import { createTokenizer } from '@ctxkit/tokenizers';
import { loadTranscripts } from '../../../test-support/transcripts.js';
import { ContextCompressor, ledgerItems } from '../src/index.js';

const tk = createTokenizer('openai', 'gpt-4o');
function allText(msgs: Message[]): string {
  return msgs.map((m) => [messageText(m), ...(m.tool_calls ?? []).map((c) => Object.values(toolArgumentsToObject(c.function.arguments)).map(v => typeof v === 'string' ? v : JSON.stringify(v)).join('\n'))].join('\n')).join('\n');
}
for (const t of loadTranscripts()) {
  const msgs = t.messages as Message[];
  const before = tk.countMessages(msgs);
  const R = 1000;
  const contextLimit = Math.ceil(before / 0.9) + R;
  const c = new ContextCompressor({ reserveTokens: R });
  const t0 = performance.now();
  try {
    const r = await c.compress(msgs, { contextLimit, tokenizer: tk });
    const ms = performance.now() - t0;
    const probs = validateConversation(r.messages);
    const text = allText(r.messages);
    const items = ledgerItems(r.ledger);
    const missing = items.filter((i) => !text.includes(i));
    const firstU = msgs.find((m) => m.role === 'user');
    const lastU = [...msgs].reverse().find((m) => m.role === 'user');
    const keptFirst = r.messages.some((m) => m === firstU || (m.content === firstU?.content));
    const keptLast = r.messages.some((m) => m.content === lastU?.content);
    const real = tk.countMessages(r.messages);
    console.log(t.name.padEnd(60), before, '->', r.after, real === r.after ? '' : `REAL ${real}`, `${(100 * (1 - r.after / before)).toFixed(0)}%`, r.targetMet ? 'met' : 'MISSED', `probs=${probs.length}`, `ledger=${items.length} miss=${missing.length}`, keptFirst && keptLast ? '' : 'LOST-USER', r.steps.map((s) => `${s.kind}:${s.tokensSaved}`).join(','), `${ms.toFixed(1)}ms`);
    if (missing.length) console.log('   missing', missing.slice(0, 3));
  } catch (e) {
    console.log(t.name, 'ERR', (e as Error).message);
  }
}
