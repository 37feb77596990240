// A short script that awaits record() twice and ends the session must exit 0 with both events
// on disk (it used to hang on an unref'd flush timer and exit 13, "unsettled top-level await").
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runTsxScript } from '@ctxkit/test-utils';
import { expect, it } from 'vitest';

it('resolves awaited record() calls in a script with nothing else to do', () => {
  const entry = resolve(import.meta.dirname, '../index.ts');
  const run = runTsxScript(
    (dir) => `import { JsonlUsageStore, TokenUsageTracker } from ${JSON.stringify(entry)};
const tracker = new TokenUsageTracker({ store: new JsonlUsageStore({ directory: ${JSON.stringify(dir)} }) });
const session = tracker.startSession({ provider: 'openai', model: 'gpt-4o' });
const usage = { inputTokens: 100, outputTokens: 10 };
await tracker.record({ provider: 'openai', model: 'gpt-4o', usage, sessionId: session });
await tracker.record({ provider: 'openai', model: 'gpt-4o', usage, sessionId: session });
await tracker.endSession();
console.log('done');
`,
  );
  const { dir } = run;
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('done');
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  const lines = files.flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));
  expect(lines.filter((l) => l.includes('"type":"usage"'))).toHaveLength(2);
});
