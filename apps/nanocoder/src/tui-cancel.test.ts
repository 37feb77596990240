import type { ScriptedServer, Tui } from '@ctxkit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTuiSession, type TuiSession } from '../test/nanocoder-tui.js';
import { FILES, PROMPT, sessionTurns } from '../test/session.js';

// The real Nanocoder TUI in tmux, against a loopback model whose summary requests hang forever.
// The summary timeout is set far beyond the test's bounds, so only Esc can end the summary.
const CONTEXT = 8192;
const MODEL = 'qwen2.5-coder:7b';
const SUMMARY_TIMEOUT_MS = 600_000;

describe('real Nanocoder TUI with ctxkit, in tmux: Esc cancels a hung summary', () => {
  let session: TuiSession;
  let server: ScriptedServer;
  let tui: Tui;
  beforeAll(async () => {
    session = await startTuiSession({
      turns: sessionTurns(),
      summaryFault: 'hang',
      contextLimit: CONTEXT,
      model: MODEL,
      ctxkit: { threshold: 0.7, summarizer: 'model', summaryTimeoutMs: SUMMARY_TIMEOUT_MS },
    });
    ({ server, tui } = session);
  }, 120_000);
  afterAll(() => session?.close());

  it('Esc ends the summary: the deterministic fallback is used, said so, and the task completes', async () => {
    tui.type(PROMPT);
    await new Promise((r) => setTimeout(r, 300));
    tui.press('Enter');
    // Each time a (hung) summary request reaches the server, the user presses Esc once.
    const CANCELLED = /summary cancelled \(Esc\): ctxkit uses its deterministic summary/g;
    const DONE = /EPSILON_RETRY_LIMIT = 39\.[\s\S]*What would you like/;
    let pressed = 0;
    const deadline = Date.now() + 150_000;
    while (!DONE.test(tui.screen()) && Date.now() < deadline) {
      const summaries = server.seen.filter((r) => r.kind === 'summary').length;
      if (summaries > pressed) {
        await new Promise((r) => setTimeout(r, 500));
        tui.press('Escape');
        pressed++;
        // Bounded far below the summary timeout: only the Esc can have ended this summary.
        await tui.waitFor(new RegExp(`(${CANCELLED.source}[\\s\\S]*){${pressed}}`), 30_000);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const screen = tui.screen();
    expect(pressed).toBeGreaterThan(0);
    expect(screen).toMatch(DONE);
    // Esc ended the summary, not the turn; every compaction used the deterministic summary.
    expect(screen).not.toMatch(/Interrupted by user/);
    expect(screen.match(CANCELLED)?.length).toBe(pressed);
    expect(screen).toMatch(/ctxkit compacted the context: [\d,]+ → [\d,]+ tokens \(deterministic summary\)/);
    expect(screen).not.toMatch(/ctxkit compacted the context: [\d,]+ → [\d,]+ tokens \(summary by/);
    expect(screen).toContain(`${FILES[0]?.constant} = ${FILES[0]?.value}`);
    expect(server.seen.filter((r) => r.kind === 'summary')).toHaveLength(pressed);
    expect(server.seen.every((r) => !r.rejected && r.pairing.length === 0)).toBe(true);
    expect(server.seen.filter((r) => r.kind === 'turn').length).toBe(FILES.length + 1);
  }, 200_000);
});
