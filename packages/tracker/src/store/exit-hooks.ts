// One set of process hooks shared by every open store, so many stores never pile up listeners, and
// the hooks disappear when the last store closes (a library must not keep a process alive or change
// how it dies).

/** Something that can write its buffer synchronously (the only kind of work allowed in 'exit'). */
export interface SyncFlushable {
  flushSync(): void;
}

const open = new Set<SyncFlushable>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function flushAll(): void {
  for (const store of open) {
    try {
      store.flushSync();
    } catch {
      // Nothing can be reported while exiting; the store keeps its own warning.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  flushAll();
  open.clear();
  uninstall();
  // Our listener replaced Node's default "exit on signal"; restore it by re-raising when nobody else
  // listens, so the process still dies by the signal (same exit status as without us).
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function onBeforeExit(): void {
  flushAll();
}

function install(): void {
  process.on('exit', flushAll);
  process.on('beforeExit', onBeforeExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  process.off('exit', flushAll);
  process.off('beforeExit', onBeforeExit);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** Registers a store for flush on exit / SIGINT / SIGTERM / SIGHUP. */
export function registerExitFlush(store: SyncFlushable): void {
  if (open.size === 0) install();
  open.add(store);
}

/** Unregisters a store; the process hooks go away with the last one. */
export function unregisterExitFlush(store: SyncFlushable): void {
  if (!open.delete(store)) return;
  if (open.size === 0) uninstall();
}

/** How many stores are registered (for tests). */
export function registeredExitFlushCount(): number {
  return open.size;
}
