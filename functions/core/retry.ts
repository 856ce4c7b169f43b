/**
 * Backoff with full jitter (a random delay between 0 and the exponential cap), and Retry-After parsing.
 * Full jitter spreads retries of many clients so they do not hammer a recovering vendor in step.
 */

interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

const DEFAULT_RETRY: RetryPolicy = Object.freeze({ maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 20_000 });

/** Delay before attempt `attempt + 1`, after `attempt` failed attempts (1-based). */
const backoffDelay = (attempt: number, policy: RetryPolicy, random: () => number = Math.random): number => {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
};

/**
 * Milliseconds a `Retry-After` header asks for: delta-seconds or an HTTP date. Undefined when absent,
 * unreadable or negative (Ocamba's `-1` means "too many parallel requests", not a time).
 */
const parseRetryAfter = (value: string | null | undefined, now: number = Date.now()): number | undefined => {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return seconds < 0 ? undefined : Math.ceil(seconds * 1000);
  }
  // Only an HTTP date (IMF-fixdate, RFC 9110): Date.parse alone would read "1,5" or "x 1" as dates.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export { DEFAULT_RETRY, backoffDelay, parseRetryAfter, sleep };
export type { RetryPolicy };
