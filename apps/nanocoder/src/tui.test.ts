import type { ScriptedServer, Tui } from '@ctxkit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTuiSession, type TuiSession } from '../test/nanocoder-tui.js';
import { FILES, PROMPT, sessionTurns } from '../test/session.js';

// The real Nanocoder TUI in a real terminal (tmux), typed into and read back
// as a user would, against the loopback model server with an 8k window.
const CONTEXT = 8192;
const MODEL = 'qwen2.5-coder:7b';
const USABLE = CONTEXT - CONTEXT / 16; // ctxkit's default reserve for the reply
const THRESHOLD = 0.7; // set in the sandbox's agents.config.json `ctxkit` block
const COMPACTED = /ctxkit compacted the context: [\d,]+ → [\d,]+ tokens \(/g;

describe('real Nanocoder TUI with ctxkit, in tmux', () => {
  let session: TuiSession;
  let server: ScriptedServer;
  let tui: Tui;
  /** Sends one line (a prompt or a command) once the input box is idle. */
  const send = async (line: string) => {
    tui.type(line);
    await new Promise((r) => setTimeout(r, 300));
    // Esc closes the command-completion menu, so Enter submits what was typed.
    if (line.startsWith('/')) tui.press('Escape');
    await new Promise((r) => setTimeout(r, 150));
    tui.press('Enter');
  };
  const count = (screen: string, re: RegExp) => screen.match(re)?.length ?? 0;

  beforeAll(async () => {
    session = await startTuiSession({
      turns: [
        ...sessionTurns(),
        // The second prompt's turns: two more reads (which would trigger a compaction), then an answer.
        { kind: 'tool', calls: [{ name: 'read_file', arguments: { path: 'src/beta.ts' } }] },
        { kind: 'tool', calls: [{ name: 'read_file', arguments: { path: 'src/gamma.ts' } }] },
        { kind: 'text', text: 'Read both again.' },
      ],
      contextLimit: CONTEXT,
      model: MODEL,
      ctxkit: { threshold: THRESHOLD },
    });
    ({ server, tui } = session);
  }, 120_000);
  afterAll(() => session?.close());

  it('/pin TEXT pins every message containing it, and the pinned file survives every compaction verbatim', async () => {
    await send('/pin ALPHA_RETRY_LIMIT = 11');
    await tui.waitFor(/Pinned every message containing "ALPHA_RETRY_LIMIT = 11"/);
    await send(PROMPT);
    const screen = await tui.waitFor(/EPSILON_RETRY_LIMIT = 39\.[\s\S]*What would you like/, 90_000);
    // The user is told, in the chat, each time ctxkit compacted, and by what.
    expect(count(screen, COMPACTED)).toBeGreaterThan(0);
    const turns = server.seen.filter((r) => r.kind === 'turn');
    expect(turns.length).toBe(FILES.length + 1);
    expect(server.seen.every((r) => !r.rejected && r.pairing.length === 0)).toBe(true);
    // Once alpha.ts was read, every request carries its whole body (its last function too).
    const alphaRead = turns.findIndex((r) => r.text.includes('alphaStep16'));
    expect(alphaRead).toBeGreaterThan(0);
    for (const r of turns.slice(alphaRead)) expect(r.text).toContain('alphaStep16');
  }, 120_000);

  it('/ctxkit shows the context now (exact, vocabulary named), compactions, cache, session, tools, sessions', async () => {
    await send('/ctxkit');
    const screen = await tui.waitFor(
      /Last sessions \(ctxkit usage store\)[\s\S]*qwen2\.5-coder:7b: [\d,]+ tokens/,
    );
    expect(screen).toMatch(/Vocabulary: hf:qwen2/);
    expect(screen).toMatch(/Tool definitions: [1-9][\d,]* \([1-9]\d* tools\)/);
    expect(screen).toMatch(/System prompt: [1-9][\d,]*/);
    expect(screen).toMatch(/Pinned: [1-9][\d,]* \(1 pins\)/);
    expect(screen).toMatch(/Compactions this session\s*│?\s*│?\s*Count: [1-9]/);
    expect(screen).toMatch(/Count-cache hit rate: \d+\.\d%/);
    expect(screen).toMatch(/Cost: local model \(no cost\)/);
    expect(screen).toMatch(/read_file: [\d,]+ tokens in \d+ results/);
  }, 60_000);

  it('/compact --preview counts what is sent (system, tools, history) and changes nothing', async () => {
    const before = server.seen.length;
    await send('/compact --preview');
    const screen = await tui.waitFor(/Preview \(ctxkit\): [\d,]+ → [\d,]+ tokens/);
    expect(screen).toMatch(/Sent\s+now:\s+system\s+[\d,]+\s+·\s+tools\s+[1-9][\d,]*\s+·\s+history\s+[\d,]+/);
    expect(server.seen.length).toBe(before); // a preview calls no model
  }, 60_000);

  it('/compact --auto-off: the next turn goes over the threshold and is NOT compacted', async () => {
    await send('/compact --auto-off');
    await tui.waitFor(/Auto-compact disabled for this session\./);
    const compactionsBefore = count(tui.screen(), COMPACTED);
    const requestsBefore = server.seen.length;
    await send('Read src/beta.ts and src/gamma.ts again.');
    const screen = await tui.waitFor(/Read both again\.[\s\S]*What would you like/, 90_000);
    const after = server.seen.slice(requestsBefore);
    expect(after.length).toBe(3);
    // The last request would have been compacted with auto-compact on (over the configured threshold)…
    expect(Math.max(...after.map((r) => r.tokens))).toBeGreaterThan(THRESHOLD * USABLE);
    // …and nothing was compacted: no new line, no summary request.
    expect(count(screen, COMPACTED)).toBe(compactionsBefore);
    expect(after.every((r) => r.kind === 'turn' && !r.rejected && r.pairing.length === 0)).toBe(true);
  }, 120_000);

  it('/compact runs through ctxkit and says what produced it', async () => {
    const compactionsBefore = count(tui.screen(), COMPACTED);
    await send('/compact');
    const screen = await tui.waitFor(
      /compacted the context: [\d,]+ → [\d,]+ tokens \([^)]*\)\.\s+Before:\s+system/,
      60_000,
    );
    expect(count(screen, COMPACTED)).toBe(compactionsBefore + 1);
  }, 90_000);
});

describe('real Nanocoder TUI with ctxkit, in tmux: a configured window that is wrong', () => {
  let session: TuiSession;
  let server: ScriptedServer;
  let tui: Tui;
  beforeAll(async () => {
    // Nanocoder is told 32k; the server's real window is 8k (as with Ollama's num_ctx).
    session = await startTuiSession({
      turns: sessionTurns(),
      contextLimit: CONTEXT,
      configuredWindow: CONTEXT * 4,
      model: MODEL,
      ctxkit: { summarizer: 'extractive' },
    });
    ({ server, tui } = session);
  }, 120_000);
  afterAll(() => session?.close());

  it('says what window it learned, finishes the task, and the status bar and /usage use the learned window', async () => {
    tui.type(PROMPT);
    await new Promise((r) => setTimeout(r, 300));
    tui.press('Enter');
    const screen = await tui.waitFor(/EPSILON_RETRY_LIMIT = 39\.[\s\S]*What would you like/, 90_000);
    expect(screen).toMatch(
      /the provider rejected a request of [\d,]+ tokens: the window of qwen2\.5-coder:7b is 8,192 tokens\s+\(configured 32,768\); using 8,192 from now on/,
    );
    expect(server.seen.filter((r) => r.rejected)).toHaveLength(1);
    expect(server.seen.every((r) => r.pairing.length === 0)).toBe(true);
    // The status bar's share is of 8,192 now (of 32,768 it would be under 20 %).
    const bar = [...screen.matchAll(/ctx: ~?(\d+)%/g)].at(-1);
    expect(Number(bar?.[1])).toBeGreaterThan(30);
    tui.type('/usage');
    await new Promise((r) => setTimeout(r, 300));
    tui.press('Escape');
    await new Promise((r) => setTimeout(r, 150));
    tui.press('Enter');
    const usage = await tui.waitFor(/Context Limit:\s*\S+/);
    expect(usage).toMatch(/Context Limit:\s*(8,192|8\.2K|8\.2k|8K|8k)/);
  }, 120_000);
});
