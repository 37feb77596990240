// Child process used by the store tests and the stress bench: records N events through a real
// TokenUsageTracker + JsonlUsageStore and reports, on stdout, each batch that became durable.
//   writer.ts <dir> <sessionId> <count> <mode> [idPrefix]
//   mode 'all'   — record everything without awaiting, then close; prints "DONE <n>".
//   mode 'ack'   — keep recording (yielding to the event loop) and print "ACK <highest index>" each time a
//                  record() promise resolves, so a parent can SIGKILL it and check acknowledged events.
//   mode 'exit'  — record without awaiting, then process.exit(0) at once (the exit hook must flush).
//   mode 'signal' — record without awaiting, print "READY", then wait to be SIGTERMed.
//   mode 'natural' — record without awaiting and return: the process must end on its own (nothing of
//                  ours keeps it alive) with every record flushed by the beforeExit hook.
//   mode 'each'  — record one at a time, awaiting each, and print "OK <i>" or "FAIL <i> <code>" (for a
//                  parent that starts it on a full disk or under a file-size limit); SIGXFSZ is ignored
//                  so a write past `ulimit -f` fails with EFBIG instead of killing the process.
import { writeSync } from 'node:fs';
import { JsonlUsageStore } from '../src/store/jsonl.js';
import { TokenUsageTracker } from '../src/tracker.js';

const [dir, sessionId, countText, mode, idPrefix] = process.argv.slice(2);
const tag = idPrefix ?? sessionId;
const count = Number(countText);
const store = new JsonlUsageStore({
  directory: dir!,
  flushIntervalMs: mode === 'all' || mode === 'ack' || mode === 'each' ? 5 : 60_000,
});
const tracker = new TokenUsageTracker({ store });
tracker.startSession({ provider: 'anthropic', model: 'claude-sonnet-4-5-20250929', sessionId: sessionId! });

function raw(i: number) {
  return {
    id: `${tag}-${i}`,
    type: 'message',
    model: 'claude-sonnet-4-5-20250929',
    usage: {
      input_tokens: 3 + (i % 7),
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 20_000 + i,
      output_tokens: 50 + (i % 13),
    },
  };
}

if (mode === 'each') {
  process.on('SIGXFSZ', () => {});
  for (let i = 0; i < count; i++) {
    try {
      await tracker.record(raw(i));
      writeSync(1, `OK ${i}\n`);
    } catch (error) {
      writeSync(1, `FAIL ${i} ${(error as { code?: string }).code}\n`);
    }
  }
  await tracker.close().catch(() => {});
  writeSync(1, `DONE ${count}\n`);
} else if (mode === 'ack') {
  let highest = -1;
  let i = 0;
  const step = () => {
    for (let k = 0; k < 50 && i < count; k++, i++) {
      const index = i;
      tracker.record(raw(index)).then(() => {
        if (index > highest) {
          highest = index;
          process.stdout.write(`ACK ${highest}\n`);
        }
      });
    }
    if (i < count) setImmediate(step);
  };
  step();
} else {
  for (let i = 0; i < count; i++) void tracker.record(raw(i));
  if (mode === 'exit') process.exit(0);
  if (mode === 'natural') {
    // nothing: no close(), no await
  } else if (mode === 'signal') {
    writeSync(1, 'READY\n');
    setInterval(() => {}, 1000);
  } else {
    await tracker.close();
    writeSync(1, `DONE ${count}\n`);
  }
}
