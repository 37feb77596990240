#!/usr/bin/env node
// `pnpm start`: until the ctxkit CLI lands, validate the embedded real transcript with @ctxkit/core.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
execFileSync('pnpm', ['--filter', '@ctxkit/core', 'build'], { cwd: root, stdio: 'ignore' });
const { validateConversation } = await import('../packages/core/dist/index.js');
const file = resolve(root, 'fixtures/transcripts/claude-code__spotter__tool_hea.jsonl');
const messages = readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));
const problems = validateConversation(messages);
console.log(`${messages.length} messages, ${problems.length} validation problems`);
