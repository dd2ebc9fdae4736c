const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const bareSeconds = /^\d+(?:\.\d+)?$/;
const withUnits = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/**
 * "500ms", "30s", "5m", "1h", "1m30s" or a bare number of seconds → milliseconds, up to `maxDurationMs`.
 * Returns undefined for anything else, so callers can say what they expected.
 */
export function parseDuration(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? exact(input * 1000) : undefined;
  const text = input.trim();
  if (bareSeconds.test(text)) return exact(Number(text) * 1000);
  if (!withUnits.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(part)) total += Number(amount) * (unitMs[unit ?? 's'] ?? 0);
  return exact(total);
}

/** The longest duration we accept: 2^53-1 ms (about 285,000 years), the largest count of milliseconds kept exact. */
export const maxDurationMs = Number.MAX_SAFE_INTEGER;

const exact = (ms: number): number | undefined => (Math.round(ms) <= maxDurationMs ? Math.round(ms) : undefined);

/** Milliseconds → a short readable form: 1500 → "1.5s", 90000 → "1m30s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${seconds ? `${seconds}s` : ''}`;
}
