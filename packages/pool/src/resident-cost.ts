// Resident cost of a load, when the engine does not declare it: heap plus
// external (ArrayBuffer, WASM) memory before and after. Concurrent work can
// blur the figure, which is why a declared `residentBytes` always wins.

/** @internal */
export function memorySnapshot(): number {
  if (typeof process === 'undefined' || typeof process.memoryUsage !== 'function') return 0;
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** @internal Declared cost if the tokenizer has one, else the measured delta (never negative). */
export function residentCost(tokenizer: object, before: number): number {
  const declared = (tokenizer as { residentBytes?: unknown }).residentBytes;
  if (typeof declared === 'number' && Number.isFinite(declared) && declared >= 0) return declared;
  return Math.max(0, memorySnapshot() - before);
}
