/**
 * What the vendor clients share: the HTTP options every client passes on, the account's limiter built
 * from the vendor's declared limits, and one way to refuse a bad option.
 */
import type { Authenticator, HttpClientOptions } from '../core/http.js';
import { ConfigurationError } from '../core/errors.js';
import { noTelemetry, silentLog, type Log, type Telemetry } from '../core/ports.js';
import { WindowedLimiter, limiterForAccount, type Limiter, type Release } from '../core/rate-limiter.js';
import type { RetryPolicy } from '../core/retry.js';
import type { VendorDescriptor } from '../core/vendor.js';

/** Options every vendor client takes, passed on to its HTTP client. */
interface VendorClientOptions {
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly log?: Log;
  readonly telemetry?: Telemetry;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** When the run stops waiting out the vendor's 429s (epoch ms). */
  readonly deadline?: () => number;
  /** The most bytes one answer may have. */
  readonly maxResponseBytes?: number;
}

/** The HTTP client's options for one vendor account: the common ones, and what the vendor adds. */
const httpOptions = (
  vendor: Pick<VendorDescriptor, 'name'>,
  baseUrl: string,
  options: VendorClientOptions,
  own: Pick<HttpClientOptions, 'readErrorBody'> & Partial<Pick<HttpClientOptions, 'limiter' | 'readRateLimit' | 'timeoutMs'>> & { auth?: Authenticator },
): HttpClientOptions => ({
  vendor: vendor.name,
  baseUrl,
  log: options.log ?? silentLog,
  telemetry: options.telemetry ?? noTelemetry,
  ...own,
  ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  ...(options.retry ? { retry: options.retry } : {}),
  ...(options.random ? { random: options.random } : {}),
  ...(options.sleep ? { sleep: options.sleep } : {}),
  ...(options.now ? { now: options.now } : {}),
  ...(options.deadline ? { deadline: options.deadline } : {}),
  ...(options.maxResponseBytes !== undefined ? { maxResponseBytes: options.maxResponseBytes } : {}),
});

/**
 * The account's limiter for the life of the process, built from the vendor's declared limits: every
 * client of one account (two runs in one process, a pause and a read) shares them.
 */
const accountLimiter = (vendor: Pick<VendorDescriptor, 'name' | 'limits'>, baseUrl: string, credential: string): Limiter =>
  limiterForAccount({ vendor: vendor.name, baseUrl, credential }, () => new WindowedLimiter({ windows: vendor.limits.windows, maxInFlight: vendor.limits.maxInFlight }));

/** Both limiters must give a slot: the account's (shared) and a client's own, tighter one. */
const bothLimiters = (outer: Limiter, inner: Limiter): Limiter => ({
  async acquire(signal?: AbortSignal): Promise<Release> {
    const releaseOuter = await outer.acquire(signal);
    try {
      const releaseInner = await inner.acquire(signal);
      return () => {
        releaseInner();
        releaseOuter();
      };
    } catch (error) {
      releaseOuter();
      throw error;
    }
  },
  observe: (report) => {
    outer.observe(report);
    inner.observe(report);
  },
  holdUntil: (epochMs) => {
    outer.holdUntil(epochMs);
    inner.holdUntil(epochMs);
  },
});

/**
 * A client's limiter: the account's (or the one the caller gives, e.g. a test's), and under it the
 * client's own bound when it asks for fewer requests in flight than the account allows.
 */
const clientLimiter = (
  vendor: Pick<VendorDescriptor, 'name' | 'limits'>,
  baseUrl: string,
  credential: string,
  options: { readonly limiter?: Limiter; readonly maxInFlight?: number },
): Limiter => {
  const most = vendor.limits.maxInFlight;
  const maxInFlight = wholeNumberOption(vendor.name, 'maxInFlight', options.maxInFlight, { min: 1, max: most, default: most });
  const account = options.limiter ?? accountLimiter(vendor, baseUrl, credential);
  return maxInFlight < most ? bothLimiters(account, new WindowedLimiter({ maxInFlight })) : account;
};

/** A client's whole-number option, or the default; anything else is refused naming the vendor and option. */
const wholeNumberOption = (vendor: string, option: string, value: number | undefined, range: { min: number; max: number; default: number }): number => {
  if (value === undefined) return range.default;
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new ConfigurationError(`${vendor}: ${option} must be a whole number from ${range.min} to ${range.max}, got ${value}`);
  }
  return value;
};

export { httpOptions, clientLimiter, wholeNumberOption };
export type { VendorClientOptions };
