import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exited, prepareWriter, spawnWriter, type Writer } from '../../bench/spawn.js';
import { JsonlUsageStore } from './jsonl.js';

// Real child processes writing real files: the durability promises of the JSONL store.
let dir: string;
let writer: Writer;
beforeAll(async () => {
  writer = await prepareWriter();
});
afterAll(() => writer.dispose());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ctxkit-usage-proc-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('JsonlUsageStore across processes', () => {
  it('two processes appending 10,000 events each to the same session file: 20,000 readable, 0 corrupt', async () => {
    const a = spawnWriter(writer, [dir, 'shared', '10000', 'all', 'A']);
    const b = spawnWriter(writer, [dir, 'shared', '10000', 'all', 'B']);
    const [ra, rb] = await Promise.all([exited(a), exited(b)]);
    expect(ra.code).toBe(0);
    expect(rb.code).toBe(0);
    const store = new JsonlUsageStore({ directory: dir, flushOnExit: false });
    const { events, warnings, duplicates } = await store.read();
    expect(warnings).toEqual([]);
    expect(duplicates).toBe(0);
    expect(events.length).toBe(20_000);
    const ids = new Set(events.map((e) => e.id));
    for (const p of ['A', 'B']) for (let i = 0; i < 10_000; i += 997) expect(ids.has(`${p}-${i}`)).toBe(true);
    const lines = readFileSync(join(dir, 'shared.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBe(20_002); // two session headers + 20,000 events
    await store.close();
  });

  it('SIGKILL mid-stream: every acknowledged record() is readable; a torn tail is reported, not fatal', async () => {
    let highest = -1;
    let reached!: () => void;
    const enough = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const child = spawnWriter(writer, [dir, 'killed', '100000000', 'ack'], (line) => {
      const m = /^ACK (\d+)$/.exec(line);
      if (m) highest = Math.max(highest, Number(m[1]));
      if (highest >= 3000) reached();
    });
    await enough;
    child.kill('SIGKILL');
    const { signal } = await exited(child);
    expect(signal).toBe('SIGKILL');
    const acknowledged = highest;
    const store = new JsonlUsageStore({ directory: dir, flushOnExit: false });
    const { events, warnings } = await store.read();
    const ids = new Set(events.map((e) => e.id));
    const missing: number[] = [];
    for (let i = 0; i <= acknowledged; i++) if (!ids.has(`killed-${i}`)) missing.push(i);
    expect(missing).toEqual([]);
    expect(warnings.filter((w) => w.code === 'CORRUPT_LINE')).toEqual([]);

    // A crash inside write(2) (power loss) leaves half a line: reported, skipped, and a restarted
    // writer appends after it without damage.
    appendFileSync(join(dir, 'killed.jsonl'), '{"type":"usage","id":"half');
    const torn = await store.read();
    expect(torn.warnings.map((w) => w.code)).toEqual(['TORN_LINE']);
    expect(torn.events.length).toBe(events.length);
    const restarted = spawnWriter(writer, [dir, 'killed', '100', 'all', 'again']);
    expect((await exited(restarted)).code).toBe(0);
    const after = await store.read();
    expect(after.events.length).toBe(events.length + 100);
    expect(after.warnings.map((w) => w.code)).toEqual(['CORRUPT_LINE']);
    await store.close();
  });

  it('flushes buffered records on natural exit, process.exit and SIGTERM, and still dies by the signal', async () => {
    // A 60 s flush timer is pending in both: the process must neither wait for it nor lose the records.
    const natural = spawnWriter(writer, [dir, 'natural', '500', 'natural']);
    const exiting = spawnWriter(writer, [dir, 'exit', '500', 'exit']);
    expect((await exited(natural)).code).toBe(0);
    expect((await exited(exiting)).code).toBe(0);
    let ready!: () => void;
    const isReady = new Promise<void>((r) => {
      ready = r;
    });
    const signalled = spawnWriter(
      writer,
      [dir, 'signal', '500', 'signal'],
      (line) => line === 'READY' && ready(),
    );
    await isReady;
    signalled.kill('SIGTERM');
    expect((await exited(signalled)).signal).toBe('SIGTERM');
    const store = new JsonlUsageStore({ directory: dir, flushOnExit: false });
    const { events } = await store.read();
    expect(events.filter((e) => e.sessionId === 'exit').length).toBe(500);
    expect(events.filter((e) => e.sessionId === 'natural').length).toBe(500);
    expect(events.filter((e) => e.sessionId === 'signal').length).toBe(500);
    await store.close();
  });
});
