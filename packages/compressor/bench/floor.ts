import type { Message } from '@ctxkit/core';
import { createTokenizer } from '@ctxkit/tokenizers';
import { loadTranscripts } from '../../../test-support/transcripts.js';
import { Work } from '../src/work.js';
const tk = createTokenizer('openai', 'gpt-4o');
for (const t of loadTranscripts()) {
  if (!/0062|0397|0546|agent-36541525|acompact|turn-2$|wrong_initial|networking|function_calling_simple|gpt4|human_thought/.test(t.name)) continue;
  const w = new Work(t.messages as Message[], tk, undefined);
  const p = w.protectedSet();
  const starts = w.unitStarts();
  const last = starts[starts.length - 1]!;
  let floor = w.base;
  w.messages.forEach((m, i) => { if (p.has(i) || i >= last) floor += w.count(m); });
  const before = w.total();
  const goal = Math.floor(Math.min(0.5 * before / 0.9, before * 0.7));
  console.log(t.name.padEnd(60), 'before', before, 'goal', goal, 'floor', floor, floor > goal ? 'INFEASIBLE' : '', w.messages.map((m, i) => `${m.role[0]}${p.has(i) ? '*' : ''}${w.count(m)}`).join(' ').slice(0, 200));
}
