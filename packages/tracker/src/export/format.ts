/** `1234567` → `1.2M`, `4200` → `4.2k`. */
export function compact(n: number): string {
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
