/**
 * The one way any vendor module talks HTTP: Node's built-in fetch with a timeout per attempt, a rate
 * limiter, bounded retries with full-jitter backoff on network errors and 5xx (honouring Retry-After),
 * one re-authentication on 401, and typed errors. Credentials travel only in headers and never reach an
 * error message or a log line.
 *
 * Every answer is untrusted: a redirect is never followed (a 3xx is a failure naming its status), a body
 * is read up to a byte cap, every string in it is scrubbed of known credentials before anyone reads it,
 * and a vendor's own error text is capped. A 429 is the vendor saying "not now", not a failed attempt: it
 * is waited out, as long as the run's deadline allows.
 */
import { TransportError, UnexpectedResponseError, VendorError, type VendorErrorBody } from './errors.js';
import { noTelemetry, silentLog, type Log, type Telemetry } from './ports.js';
import type { Limiter, RateLimitReport } from './rate-limiter.js';
import { MAX_VENDOR_TEXT, cut, knownSecrets, type Redactor } from './redact.js';
import { DEFAULT_RETRY, backoffDelay, parseRetryAfter, sleep, type RetryPolicy } from './retry.js';
import { METRICS } from '../settings.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

interface HttpRequest {
  readonly method: Method;
  /** Path below the base URL, e.g. `/v1/hood/campaigns/1000248/pause`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number>>;
  /** A JSON body; sent with `Content-Type: application/json`. */
  readonly json?: unknown;
  /** A body already serialised as JSON (large populate bodies are serialised once, to measure them). */
  readonly rawJson?: string;
  /** What this call does, in the operator's words, for errors and logs: "pause campaign 1000248". */
  readonly operation: string;
  /** Whether the call may be retried after a network failure (outcome unknown). Reads always may. */
  readonly idempotent?: boolean;
  /** Whether a 2xx must carry a JSON body. */
  readonly expectJson?: boolean;
}

interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, when there was one. */
  readonly body: unknown;
}

/** Supplies auth headers; `renew` is called once when the vendor answers 401, with the generation that failed. */
interface Authenticator {
  authorize(): Promise<{ headers: Record<string, string>; generation: number }>;
  renew?(failedGeneration: number): Promise<void>;
}

interface HttpClientOptions {
  readonly vendor: string;
  readonly baseUrl: string;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly limiter?: Limiter;
  readonly auth?: Authenticator;
  /** Picks the vendor's error fields (title, message/detail, trace id) out of an error body. */
  readonly readErrorBody: (body: unknown) => VendorErrorBody;
  /** Reads the vendor's rate-limit headers, where it sends them. */
  readonly readRateLimit?: (headers: Headers) => RateLimitReport | undefined;
  readonly log?: Log;
  readonly telemetry?: Telemetry;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** A vendor asking to wait longer than this is not waited for: the call fails with its answer. */
  readonly maxRetryAfterMs?: number;
  /** The most bytes an answer may have; a longer one fails the call without retry. */
  readonly maxResponseBytes?: number;
  /**
   * When the run must stop waiting on the vendor (epoch ms): a throttled call (429) is retried until
   * then, however many times the vendor says "not now". Defaults to MAX_THROTTLED_MS after the call began.
   */
  readonly deadline?: () => number;
  readonly now?: () => number;
  /** Removes credential values from vendor text; the process's known secrets by default. */
  readonly redactor?: Redactor;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RETRY_AFTER_MS = 120_000;
/**
 * The largest answer we read: a deltaDNA list page of 1,000 campaigns is well under 2 MB, so 8 MiB leaves
 * room for fields we do not know of while keeping a hostile body far from a 256 MB Lambda's memory.
 */
const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** Without a run deadline, how long one call may keep waiting out 429s. */
const MAX_THROTTLED_MS = 15 * 60_000;

const buildUrl = (baseUrl: string, path: string, query?: Readonly<Record<string, string | number>>): string => {
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, String(value));
  return url.toString();
};

/** The parsed body with every string scrubbed of known credentials, so nothing downstream sees one. */
const parseJson = (text: string, redactor: Redactor): { ok: true; value: unknown } | { ok: false } => {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: redactor.scrubJson(JSON.parse(text)) };
  } catch {
    return { ok: false };
  }
};

/** A vendor's error fields (already scrubbed with the rest of the body), cut to a readable length. */
const boundedErrorBody = (body: VendorErrorBody): VendorErrorBody => ({
  ...(body.title !== undefined ? { title: cut(body.title, MAX_VENDOR_TEXT) } : {}),
  ...(body.message !== undefined ? { message: cut(body.message, MAX_VENDOR_TEXT) } : {}),
  ...(body.traceId !== undefined ? { traceId: cut(body.traceId, 100) } : {}),
});

/**
 * Reads a body up to `maxBytes`: a longer one (announced or streamed) aborts the request and fails
 * without retry, since asking again brings the same answer. A body that never ends meets the cap or the
 * attempt's timeout, whichever comes first.
 */
const readCapped = async (
  response: Response,
  maxBytes: number,
  controller: AbortController,
  call: { vendor: string; operation: string },
): Promise<string> => {
  const tooLarge = (): UnexpectedResponseError => {
    controller.abort();
    return new UnexpectedResponseError({ ...call, reason: `the answer is larger than ${maxBytes} bytes (the most we read); not retried` });
  };
  const announced = Number(response.headers.get('content-length'));
  if (Number.isFinite(announced) && announced > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
};

/** A short, credential-free reason from a fetch failure (its cause holds the socket error code). */
const networkReason = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : 'network error');
};

class HttpClient {
  readonly #options: HttpClientOptions;
  readonly #retry: RetryPolicy;
  readonly #timeoutMs: number;
  readonly #log: Log;
  readonly #telemetry: Telemetry;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #maxResponseBytes: number;
  readonly #redactor: Redactor;

  constructor(options: HttpClientOptions) {
    this.#options = options;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#log = options.log ?? silentLog;
    this.#telemetry = options.telemetry ?? noTelemetry;
    this.#sleep = options.sleep ?? ((ms) => sleep(ms));
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#redactor = options.redactor ?? knownSecrets;
  }

  get vendor(): string {
    return this.#options.vendor;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const idempotent = request.idempotent ?? request.method === 'GET';
    const url = buildUrl(this.#options.baseUrl, request.path, request.query);
    const now = this.#options.now ?? Date.now;
    const started = now();
    const deadline = this.#options.deadline?.() ?? started + MAX_THROTTLED_MS;
    let renewed = false;
    let throttles = 0;
    for (let attempt = 1; ; attempt += 1) {
      let failure: VendorError | TransportError | UnexpectedResponseError;
      let retryAfterMs: number | undefined;
      try {
        const response = await this.#attempt(request, url);
        if (response.kind === 'ok') return response.response;
        if (response.kind === 'unauthorized' && !renewed && this.#options.auth?.renew) {
          // An expired token costs one re-authentication, not a failed campaign; this retry is free.
          renewed = true;
          await this.#options.auth.renew(response.generation);
          attempt -= 1;
          continue;
        }
        failure = response.error;
        retryAfterMs = response.kind === 'error' ? response.retryAfterMs : undefined;
      } catch (error) {
        if (!(error instanceof TransportError || error instanceof UnexpectedResponseError)) throw error;
        failure = error;
      }
      // A wait longer than a run can afford (a Lambda would time out waiting) ends the call instead.
      if (retryAfterMs !== undefined && retryAfterMs > (this.#options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS)) throw failure;
      let delay: number;
      if (failure instanceof VendorError && failure.status === 429) {
        // "Not now" (another tool on the account, a window we could not see) is no failed attempt: it is
        // waited out, and only the run's deadline ends it. The limiter already holds the account.
        throttles += 1;
        attempt -= 1;
        delay = Math.max(retryAfterMs ?? 0, backoffDelay(Math.min(throttles, 10), this.#retry, this.#options.random));
        if (now() + delay > deadline) {
          throw new VendorError(
            {
              vendor: failure.vendor,
              operation: failure.operation,
              status: 429,
              body: { title: `still throttled after ${throttles} answers of 429, at the run's deadline` },
              retryable: true,
              ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}),
            },
            { cause: failure },
          );
        }
      } else {
        // A call that is not idempotent (a populate creates a job) is retried only when the vendor answered
        // that it did not process it (5xx); after a network failure its outcome is unknown.
        const answered = failure instanceof VendorError;
        const mayRetry = failure.retryable && (idempotent || answered) && attempt < this.#retry.maxAttempts;
        if (!mayRetry) throw failure;
        delay = Math.max(retryAfterMs ?? 0, backoffDelay(attempt, this.#retry, this.#options.random));
      }
      this.#telemetry.count(METRICS.vendorRetries);
      this.#log.debug('retrying vendor call', {
        vendor: this.vendor,
        operation: request.operation,
        attempt,
        throttles,
        delayMs: delay,
        reason: failure.message,
      });
      await this.#sleep(delay);
    }
  }

  async #attempt(
    request: HttpRequest,
    url: string,
  ): Promise<
    | { kind: 'ok'; response: HttpResponse }
    | { kind: 'unauthorized'; generation: number; error: VendorError }
    | { kind: 'error'; error: VendorError; retryAfterMs: number | undefined }
  > {
    const { vendor } = this.#options;
    const auth = this.#options.auth ? await this.#options.auth.authorize() : undefined;
    const headers: Record<string, string> = { Accept: 'application/json', ...(auth?.headers ?? {}) };
    let body: string | undefined;
    if (request.rawJson !== undefined || request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = request.rawJson ?? JSON.stringify(request.json);
    }

    const release = this.#options.limiter ? await this.#options.limiter.acquire() : () => {};
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    const started = Date.now();
    let status: number;
    let responseHeaders: Headers;
    let text: string;
    try {
      this.#telemetry.count(METRICS.vendorRequests);
      // Never follow a redirect: fetch would re-send the body (a key and password) to wherever it points.
      const response = await fetch(url, { method: request.method, headers, body, signal: controller.signal, redirect: 'manual' });
      status = response.status;
      responseHeaders = response.headers;
      text = await readCapped(response, this.#maxResponseBytes, controller, { vendor, operation: request.operation });
    } catch (error) {
      if (error instanceof UnexpectedResponseError) throw error;
      const timedOut = controller.signal.aborted;
      throw new TransportError(
        {
          vendor,
          operation: request.operation,
          timedOut,
          reason: timedOut ? `no answer within ${this.#timeoutMs} ms` : this.#redactor.scrub(networkReason(error)),
        },
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
      release();
    }
    this.#log.debug('vendor call', {
      vendor,
      operation: request.operation,
      method: request.method,
      path: request.path,
      status,
      durationMs: Date.now() - started,
    });

    const report = this.#options.readRateLimit?.(responseHeaders);
    if (report && this.#options.limiter) this.#options.limiter.observe(report);

    if (status >= 300 && status < 400) {
      // Where it points is not ours to follow, nor to show: a Location may carry anything.
      throw new UnexpectedResponseError({
        vendor,
        operation: request.operation,
        reason: `HTTP ${status}, a redirect, not followed (campaign-ops never follows redirects; check the baseUrl)`,
      });
    }

    const parsed = parseJson(text, this.#redactor);
    if (status >= 200 && status < 300) {
      if (!parsed.ok || (request.expectJson && parsed.value === undefined)) {
        throw new UnexpectedResponseError({
          vendor,
          operation: request.operation,
          reason: `HTTP ${status} with a body that is not JSON (${text.length} bytes)`,
          retryable: request.idempotent ?? request.method === 'GET',
        });
      }
      return { kind: 'ok', response: { status, headers: responseHeaders, body: parsed.value } };
    }

    const retryAfterMs = parseRetryAfter(responseHeaders.get('retry-after'));
    const errorBody = parsed.ok ? boundedErrorBody(this.#options.readErrorBody(parsed.value)) : {};
    const retryable = status === 429 || status >= 500 || status === 408;
    const error = new VendorError({
      vendor,
      operation: request.operation,
      status,
      body: errorBody,
      retryable,
      ...(retryAfterMs !== undefined ? { retryAfterSeconds: retryAfterMs / 1000 } : {}),
    });
    if (status === 429) {
      this.#telemetry.count(METRICS.vendorThrottles);
      // A 429 speaks for the whole account: every request of it waits, not just this one.
      if (retryAfterMs !== undefined) this.#options.limiter?.holdUntil(Date.now() + retryAfterMs);
    }
    if (status === 401 && auth) return { kind: 'unauthorized', generation: auth.generation, error };
    return { kind: 'error', error, retryAfterMs };
  }
}

/** Whether a base URL is acceptable: https, or http on loopback (the simulators). */
const checkBaseUrl = (value: string): string | undefined => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  // Never echo the value: it may hold a password.
  if (url.username !== '' || url.password !== '') return 'must not contain credentials (user:password@); put them in the secret\'s own fields';
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(value)) return 'must not contain a query (?) or a fragment (#)';
  if (url.protocol === 'https:') return undefined;
  const loopback = ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(url.hostname);
  if (url.protocol === 'http:' && loopback) return undefined;
  return 'must be https (plain http is allowed only on loopback: 127.0.0.1, localhost, ::1)';
};

export { HttpClient, checkBaseUrl, buildUrl, DEFAULT_TIMEOUT_MS };
export type { HttpRequest, HttpResponse, HttpClientOptions, Authenticator, Method };
