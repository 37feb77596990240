/** `1234567` → `1.2M`, `4200` → `4.2k`. */
export function shortCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** Cost for display: `$0.0123`, `—` when unknown, `≥ $1.20` when some calls are unpriced. */
export function money(cost: number | null, complete = true): string {
  if (cost === null) return '—';
  const s = cost >= 100 ? cost.toFixed(0) : cost >= 1 ? cost.toFixed(2) : cost.toFixed(4);
  return complete ? `$${s}` : `≥ $${s}`;
}

/** Escapes text for HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `12,345`: an integer with thousands separators (locale-independent, so output is stable). */
export function grouped(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Cost of a totals block for display: `local` when every call ran on a local runtime (priced 0),
 * else {@link money} (`—` unknown, `≥ $x` partial).
 */
export function costLabel(t: {
  calls: number;
  cost: number | null;
  costComplete: boolean;
  localCalls?: number;
}): string {
  if (t.calls > 0 && t.localCalls === t.calls) return 'local';
  return money(t.cost, t.costComplete);
}
