/**
 * Keeps calls to one vendor account within its limits: several rate windows at once (Ocamba: 10 a second
 * AND 150 a minute) plus a bound on requests in flight.
 *
 * Each window is enforced as a sliding window over the times requests were sent. A sliding window of
 * length T never admits more than `limit` requests in ANY interval of length T, so it also satisfies the
 * vendor's fixed windows whatever their alignment, which we cannot see. A small margin absorbs the
 * difference between when we send and when the vendor counts.
 */
import { createHash } from 'node:crypto';

interface RateWindow {
  readonly limit: number;
  readonly periodMs: number;
}

interface LimiterOptions {
  readonly windows?: readonly RateWindow[];
  readonly maxInFlight?: number;
  /** Added to every window's period (ms): network delay between our send and the vendor's count. */
  readonly marginMs?: number;
  readonly now?: () => number;
}

/** What a vendor said about its window: `X-RateLimit-Limit/Remaining/Reset`. */
interface RateLimitReport {
  readonly limit: number;
  readonly remaining: number;
  /** Milliseconds until the vendor's window resets. */
  readonly resetMs: number;
}

/** Call the returned function when the request has finished (answer read or failed). */
type Release = () => void;

/** The limiter behind an interface, so a distributed one (e.g. a token bucket in DynamoDB) can replace it. */
interface Limiter {
  acquire(signal?: AbortSignal): Promise<Release>;
  /** Aligns with the vendor's own count (another process may have used part of the window). */
  observe(report: RateLimitReport): void;
  /** Holds every request of the account until then (a 429 with Retry-After). */
  holdUntil(epochMs: number): void;
}

interface Waiter {
  readonly resolve: (release: Release) => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
}

class WindowedLimiter implements Limiter {
  readonly #windows: { readonly limit: number; readonly periodMs: number; readonly vendorPeriodMs: number; sent: number[] }[];
  readonly #maxInFlight: number;
  readonly #now: () => number;
  readonly #queue: Waiter[] = [];
  #inFlight = 0;
  #heldUntil = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: LimiterOptions = {}) {
    const margin = options.marginMs ?? 100;
    this.#windows = (options.windows ?? []).map((w) => ({ limit: w.limit, periodMs: w.periodMs + margin, vendorPeriodMs: w.periodMs, sent: [] }));
    this.#maxInFlight = options.maxInFlight ?? Number.POSITIVE_INFINITY;
    this.#now = options.now ?? Date.now;
  }

  acquire(signal?: AbortSignal): Promise<Release> {
    return new Promise<Release>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const waiter: Waiter = { resolve, reject, signal };
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.#queue.indexOf(waiter);
          if (index >= 0) {
            this.#queue.splice(index, 1);
            reject(signal.reason);
          }
        },
        { once: true },
      );
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  observe(report: RateLimitReport): void {
    const window = this.#windowFor(report.limit);
    if (!window || report.remaining < 0 || !Number.isFinite(report.resetMs)) return;
    const now = this.#now();
    // Whatever a caller passes on, never trust a report beyond the window it is about.
    const resetAt = now + Math.min(Math.max(0, report.resetMs), window.vendorPeriodMs);
    // The vendor has counted `limit - remaining` requests since its window began, at (reset - period).
    // A reset given in whole seconds places that start only to the second: count our own sends over the
    // widest span it may cover, so that our own earlier requests are not taken for another process's
    // (which cost 15% of the throughput at 10/s). The price: with another process on the account, one of
    // ours sent just before the vendor's window began may be taken for one inside it, and a rare 429 is
    // then waited out like any other.
    const resolutionMs = report.resetMs % 1000 === 0 ? 1000 : 0;
    const earliestStart = resetAt - window.vendorPeriodMs - resolutionMs;
    const ours = window.sent.filter((t) => t > earliestStart).length;
    const missing = Math.min(window.limit, report.limit) - report.remaining - ours;
    // Requests we do not know of: record them so they expire exactly when the vendor's window resets.
    const expiringAtReset = resetAt - window.periodMs;
    for (let i = 0; i < missing; i += 1) window.sent.push(expiringAtReset);
    if (missing > 0) window.sent.sort((a, b) => a - b);
  }

  holdUntil(epochMs: number): void {
    if (epochMs > this.#heldUntil) this.#heldUntil = epochMs;
    this.#pump();
  }

  /** Requests waiting for a slot, for progress and tests. */
  get waiting(): number {
    return this.#queue.length;
  }

  #windowFor(limit: number) {
    const exact = this.#windows.find((w) => w.limit === limit);
    if (exact) return exact;
    // Unknown limit: align the tightest window, which is the conservative choice.
    return [...this.#windows].sort((a, b) => a.limit / a.periodMs - b.limit / b.periodMs)[0];
  }

  /** Milliseconds until a request may be sent (0 = now), ignoring the in-flight bound. */
  #delay(now: number): number {
    let wait = Math.max(0, this.#heldUntil - now);
    for (const window of this.#windows) {
      while (window.sent.length > 0 && window.sent[0]! <= now - window.periodMs) window.sent.shift();
      if (window.sent.length >= window.limit) {
        const oldestThatMustExpire = window.sent[window.sent.length - window.limit]!;
        wait = Math.max(wait, oldestThatMustExpire + window.periodMs - now);
      }
    }
    return wait;
  }

  #pump(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    while (this.#queue.length > 0 && this.#inFlight < this.#maxInFlight) {
      const now = this.#now();
      const wait = this.#delay(now);
      if (wait > 0) {
        this.#timer = setTimeout(() => this.#pump(), wait + 1);
        return;
      }
      const waiter = this.#queue.shift()!;
      for (const window of this.#windows) window.sent.push(now);
      this.#inFlight += 1;
      let released = false;
      waiter.resolve(() => {
        if (released) return;
        released = true;
        this.#inFlight -= 1;
        this.#pump();
      });
    }
  }
}

/** A limiter that never waits: for vendors whose only bound is the caller's own concurrency. */
const concurrencyLimiter = (maxInFlight: number): Limiter => new WindowedLimiter({ maxInFlight });

/**
 * One limiter per vendor account for the life of the process: two runs against the same account in one
 * process share the account's limits instead of each spending them in full. The key holds a one-way
 * digest of the credential, never the credential itself.
 */
const accountLimiters = new Map<string, Limiter>();
const limiterForAccount = (account: { vendor: string; baseUrl: string; credential: string }, create: () => Limiter): Limiter => {
  const key = `${account.vendor} ${account.baseUrl} ${createHash('sha256').update(account.credential).digest('hex').slice(0, 16)}`;
  let limiter = accountLimiters.get(key);
  if (!limiter) {
    limiter = create();
    accountLimiters.set(key, limiter);
  }
  return limiter;
};

/** Runs `worker` over `items` with at most `concurrency` at once, keeping results in input order. */
const mapWithConcurrency = async <T, R>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await worker(items[index]!, index);
    }
  });
  await Promise.all(lanes);
  return results;
};

export { WindowedLimiter, concurrencyLimiter, mapWithConcurrency, limiterForAccount };
export type { Limiter, LimiterOptions, RateWindow, RateLimitReport, Release };
