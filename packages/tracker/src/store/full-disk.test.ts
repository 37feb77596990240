import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exited, prepareWriter, spawnWriter, type Writer } from '../../bench/spawn.js';
import { JsonlUsageStore } from './jsonl.js';

// A real short write on real files: the child runs under a file-size limit (RLIMIT_FSIZE), so the
// kernel writes part of a line and then refuses the rest (EFBIG), exactly as a full disk does with
// ENOSPC. No root and no mount needed.
let writer: Writer;
let dir: string;
beforeAll(async () => {
  writer = await prepareWriter();
  dir = mkdtempSync(join(tmpdir(), 'ctxkit-usage-full-'));
});
afterAll(() => {
  writer.dispose();
  rmSync(dir, { recursive: true, force: true });
});

it('a write cut short leaves no partial line; rejected records never appear; resolved ones all do', async () => {
  const ok = new Set<string>();
  const failed = new Set<string>();
  const child = spawnWriter(
    writer,
    [dir, 'full', '400', 'each'],
    (line) => {
      const m = /^(OK|FAIL) (\d+)(?: (\S+))?$/.exec(line);
      if (!m) return;
      if (m[1] === 'OK') ok.add(`full-${m[2]}`);
      else {
        expect(m[3]).toBe('IO_ERROR');
        failed.add(`full-${m[2]}`);
      }
    },
    64,
  );
  expect((await exited(child)).code).toBe(0);
  // The limit was hit: some records were stored, the rest refused.
  expect(ok.size).toBeGreaterThan(0);
  expect(failed.size).toBeGreaterThan(0);
  expect(ok.size + failed.size).toBe(400);

  const text = readFileSync(join(dir, 'full.jsonl'), 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  const store = new JsonlUsageStore({ directory: dir, flushOnExit: false });
  const { events, warnings } = await store.read();
  expect(warnings).toEqual([]);
  const stored = new Set(events.map((e) => e.id));
  expect([...ok].filter((id) => !stored.has(id))).toEqual([]);
  expect([...failed].filter((id) => stored.has(id))).toEqual([]);
  await store.close();
});
