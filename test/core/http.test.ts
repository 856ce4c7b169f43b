import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TransportError, UnexpectedResponseError, VendorError, type VendorErrorBody } from '../../functions/core/errors.js';
import { HttpClient, buildUrl, checkBaseUrl, type Authenticator, type HttpClientOptions } from '../../functions/core/http.js';
import type { Log, Telemetry } from '../../functions/core/ports.js';
import type { Limiter, RateLimitReport, Release } from '../../functions/core/rate-limiter.js';
import { Redactor } from '../../functions/core/redact.js';

// A tiny vendor on loopback: each test queues how the next requests are answered.
type Responder = (req: IncomingMessage, res: ServerResponse) => void;
interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let server: Server;
let baseUrl: string;
let responders: Responder[] = [];
let seen: SeenRequest[] = [];

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Responder =>
  (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
const text =
  (status: number, body: string): Responder =>
  (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'text/plain' });
    res.end(body);
  };
const reset: Responder = (req) => {
  req.socket.destroy();
};
// Sockets of requests left unanswered, closed after the test (idle keep-alive sockets are left alone:
// closing them under the client would make the next test's first request fail).
const hanging = new Set<Socket>();
const hang: Responder = (req) => {
  hanging.add(req.socket);
};
const after =
  (ms: number, responder: Responder): Responder =>
  (req, res) => {
    setTimeout(() => responder(req, res), ms);
  };

/** Answers the next requests in order; the last responder answers every request after them. */
const answer = (...next: Responder[]): void => {
  responders = next;
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const responder = responders.length > 1 ? responders.shift()! : responders[0];
      (responder ?? json(200, {}))(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

// Collaborators the client is given, recording what it does with them.
const SECRET_TOKEN = 'tok-3f9a77c1d2e54b6a8e0f';

let sleeps: number[];
let counts: Record<string, number>;
let logLines: { level: string; message: string; extra: Record<string, unknown>[] }[];

const telemetry: Telemetry = {
  count: (name, value = 1) => {
    counts[name] = (counts[name] ?? 0) + value;
  },
};
const log: Log = {
  debug: (message, ...extra) => logLines.push({ level: 'debug', message, extra }),
  info: (message, ...extra) => logLines.push({ level: 'info', message, extra }),
  warn: (message, ...extra) => logLines.push({ level: 'warn', message, extra }),
  error: (message, ...extra) => logLines.push({ level: 'error', message, extra }),
};

const readErrorBody = (body: unknown): VendorErrorBody => {
  if (typeof body !== 'object' || body === null) return {};
  const record = body as Record<string, unknown>;
  return {
    ...(typeof record.title === 'string' ? { title: record.title } : {}),
    ...(typeof record.detail === 'string' ? { message: record.detail } : {}),
    ...(typeof record.traceId === 'string' ? { traceId: record.traceId } : {}),
  };
};

const readRateLimit = (headers: Headers): RateLimitReport | undefined => {
  const limit = headers.get('x-ratelimit-limit');
  const remaining = headers.get('x-ratelimit-remaining');
  const reset = headers.get('x-ratelimit-reset');
  if (limit === null || remaining === null || reset === null) return undefined;
  return { limit: Number(limit), remaining: Number(remaining), resetMs: Number(reset) * 1000 };
};

class RecordingLimiter implements Limiter {
  acquired = 0;
  released = 0;
  readonly observed: RateLimitReport[] = [];
  readonly holds: number[] = [];

  async acquire(): Promise<Release> {
    this.acquired += 1;
    return () => {
      this.released += 1;
    };
  }

  observe(report: RateLimitReport): void {
    this.observed.push(report);
  }

  holdUntil(epochMs: number): void {
    this.holds.push(epochMs);
  }
}

/** An authenticator whose token changes generation on each renewal; generation 1 may be refused. */
class RecordingAuth implements Authenticator {
  generation = 1;
  readonly renewals: number[] = [];

  async authorize(): Promise<{ headers: Record<string, string>; generation: number }> {
    return { headers: { Authorization: `Bearer ${SECRET_TOKEN}-${this.generation}` }, generation: this.generation };
  }

  async renew(failedGeneration: number): Promise<void> {
    this.renewals.push(failedGeneration);
    this.generation = failedGeneration + 1;
  }
}

const client = (overrides: Partial<HttpClientOptions> = {}): HttpClient =>
  new HttpClient({
    vendor: 'acme',
    baseUrl,
    readErrorBody,
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
    timeoutMs: 2_000,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    log,
    telemetry,
    ...overrides,
  });

/** Runs a call expected to fail and returns what it threw. */
const failureOf = async (call: Promise<unknown>): Promise<Error> => {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
};

beforeEach(() => {
  responders = [];
  seen = [];
  sleeps = [];
  counts = {};
  logLines = [];
});

afterEach(() => {
  for (const socket of hanging) socket.destroy();
  hanging.clear();
});

describe('Class: HttpClient', () => {
  describe('a successful call', () => {
    it('sends the method, path, query and JSON body, and parses the JSON answer', async () => {
      // Prepare
      answer(json(201, { id: 7 }, { 'X-Trace': 'abc' }));

      // Act
      const response = await client().send({
        method: 'POST',
        path: '/v1/campaigns/7/pause',
        query: { force: 'yes', page: 2 },
        json: { reason: 'Nightly' },
        operation: 'pause campaign 7',
      });

      // Assess
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ id: 7 });
      expect(response.headers.get('x-trace')).toBe('abc');
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/campaigns/7/pause?force=yes&page=2', body: '{"reason":"Nightly"}' });
      expect(seen[0]!.headers).toMatchObject({ accept: 'application/json', 'content-type': 'application/json' });
    });

    it('sends a raw JSON body exactly as given', async () => {
      // Prepare
      const rawJson = '{ "recipient_list": [ ] }';

      // Act
      await client().send({ method: 'POST', path: '/populate', rawJson, operation: 'populate' });

      // Assess
      expect(seen[0]?.body).toBe(rawJson);
      expect(seen[0]?.headers['content-type']).toBe('application/json');
    });

    it('sends no body and no content type on a GET, and accepts an empty answer', async () => {
      // Prepare
      answer(json(204, undefined));

      // Act
      const response = await client().send({ method: 'GET', path: '/ping', operation: 'ping' });

      // Assess
      expect(response.body).toBeUndefined();
      expect(seen[0]?.body).toBe('');
      expect(seen[0]?.headers['content-type']).toBeUndefined();
    });
  });

  describe('an answer that is not JSON', () => {
    it('refuses a 2xx whose body is not JSON, retrying a read', async () => {
      // Prepare
      answer(text(200, '<html>maintenance</html>'), json(200, { ok: true }));

      // Act
      const response = await client().send({ method: 'GET', path: '/campaigns', operation: 'list campaigns' });

      // Assess
      expect(response.body).toEqual({ ok: true });
      expect(seen).toHaveLength(2);
    });

    it('does not retry a non-idempotent call whose 2xx body is not JSON', async () => {
      // Prepare
      answer(text(200, 'OK'));

      // Act
      const error = await failureOf(client().send({ method: 'POST', path: '/jobs', json: {}, operation: 'create job' }));

      // Assess
      expect(error).toBeInstanceOf(UnexpectedResponseError);
      expect(error.message).toContain('not JSON');
      expect((error as UnexpectedResponseError).retryable).toBe(false);
      expect(seen).toHaveLength(1);
    });

    it('refuses an empty 2xx when JSON is expected', async () => {
      // Prepare
      answer(json(200, undefined));

      // Act
      const error = await failureOf(client({ retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }).send({ method: 'GET', path: '/x', operation: 'read x', expectJson: true }));

      // Assess
      expect(error).toBeInstanceOf(UnexpectedResponseError);
    });
  });

  describe('timeouts', () => {
    it('gives up on an attempt that gets no answer within the timeout, as a TransportError', async () => {
      // Prepare
      answer(hang);

      // Act
      const error = await failureOf(
        client({ timeoutMs: 150, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }).send({ method: 'GET', path: '/slow', operation: 'read slow' }),
      );

      // Assess
      expect(error).toBeInstanceOf(TransportError);
      expect((error as TransportError).timedOut).toBe(true);
      expect(error.message).toBe('acme read slow timed out: no answer within 150 ms');
    });

    it('gives every attempt its own timeout', async () => {
      // Prepare: the first attempt hangs; the second answers within one timeout, but past a budget shared by both.
      answer(hang, after(100, json(200, { ok: true })));

      // Act
      const response = await client({ timeoutMs: 300 }).send({ method: 'GET', path: '/slow', operation: 'read slow' });

      // Assess
      expect(response.body).toEqual({ ok: true });
      expect(seen).toHaveLength(2);
      expect(sleeps).toHaveLength(1);
    });
  });

  describe('retries', () => {
    it('retries 5xx answers with full-jitter backoff until one succeeds', async () => {
      // Prepare
      answer(json(500, {}), json(502, {}), json(200, { ok: true }));

      // Act
      const response = await client().send({ method: 'GET', path: '/campaigns', operation: 'list campaigns' });

      // Assess
      expect(response.body).toEqual({ ok: true });
      expect(seen).toHaveLength(3);
      // random 0.5, base 100: half of 100 after the first failure, half of 200 after the second.
      expect(sleeps).toEqual([50, 100]);
    });

    it('surfaces the last answer when the attempts run out', async () => {
      // Prepare
      answer(json(503, { title: 'Unavailable' }));

      // Act
      const error = await failureOf(client().send({ method: 'GET', path: '/campaigns', operation: 'list campaigns' }));

      // Assess
      expect(error).toBeInstanceOf(VendorError);
      expect((error as VendorError).status).toBe(503);
      expect((error as VendorError).retryable).toBe(true);
      expect(seen).toHaveLength(3);
      expect(sleeps).toHaveLength(2);
    });

    it('retries a 429 and waits at least as long as Retry-After asks', async () => {
      // Prepare
      answer(json(429, {}, { 'Retry-After': '2' }), json(200, {}));

      // Act
      await client().send({ method: 'GET', path: '/campaigns', operation: 'list campaigns' });

      // Assess
      expect(seen).toHaveLength(2);
      expect(sleeps).toEqual([2_000]);
    });

    it('waits the backoff when it is longer than Retry-After', async () => {
      // Prepare
      answer(json(503, {}, { 'Retry-After': '1' }), json(200, {}));

      // Act
      await client({ random: () => 0.999, retry: { maxAttempts: 3, baseDelayMs: 5_000, maxDelayMs: 20_000 } }).send({
        method: 'GET',
        path: '/campaigns',
        operation: 'list campaigns',
      });

      // Assess
      expect(sleeps).toEqual([4_995]);
    });

    it('does not wait when the vendor asks for longer than a run can afford', async () => {
      // Prepare
      answer(json(429, {}, { 'Retry-After': '600' }), json(200, {}));

      // Act
      const error = await failureOf(client({ maxRetryAfterMs: 60_000 }).send({ method: 'GET', path: '/x', operation: 'read x' }));

      // Assess
      expect((error as VendorError).status).toBe(429);
      expect((error as VendorError).retryAfterSeconds).toBe(600);
      expect(sleeps).toEqual([]);
      expect(seen).toHaveLength(1);
    });

    it('keeps the Retry-After on the error it surfaces', async () => {
      // Prepare: a run whose deadline has come
      answer(json(429, { detail: 'slow down' }, { 'Retry-After': '1.5' }));

      // Act
      const error = await failureOf(client({ deadline: () => 0 }).send({ method: 'GET', path: '/x', operation: 'read x' }));

      // Assess
      expect(error).toBeInstanceOf(VendorError);
      expect((error as VendorError).retryAfterSeconds).toBe(1.5);
    });

    it('retries a GET after the connection is reset', async () => {
      // Prepare
      answer(reset, json(200, { ok: true }));

      // Act
      const response = await client().send({ method: 'GET', path: '/campaigns', operation: 'list campaigns' });

      // Assess
      expect(response.body).toEqual({ ok: true });
      expect(seen).toHaveLength(2);
      expect(sleeps).toEqual([50]);
    });

    it('does not retry a non-idempotent POST after a reset: its outcome is unknown', async () => {
      // Prepare
      answer(reset, json(200, {}));

      // Act
      const error = await failureOf(client().send({ method: 'POST', path: '/jobs', json: { n: 1 }, operation: 'create job' }));

      // Assess
      expect(error).toBeInstanceOf(TransportError);
      expect((error as TransportError).timedOut).toBe(false);
      expect(error.message).toMatch(/^acme create job failed: /);
      expect(seen).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });

    it('retries a POST marked idempotent after a reset', async () => {
      // Prepare
      answer(reset, json(200, {}));

      // Act
      await client().send({ method: 'POST', path: '/campaigns/7/pause', json: {}, operation: 'pause campaign 7', idempotent: true });

      // Assess
      expect(seen).toHaveLength(2);
    });

    it('retries a non-idempotent POST after a 503: the vendor said it did not process it', async () => {
      // Prepare
      answer(json(503, {}), json(201, { job: 'j-1' }));

      // Act
      const response = await client().send({ method: 'POST', path: '/jobs', json: { n: 1 }, operation: 'create job' });

      // Assess
      expect(response.body).toEqual({ job: 'j-1' });
      expect(seen.map((r) => r.body)).toEqual(['{"n":1}', '{"n":1}']);
    });

    it('does not retry a 400, and reads the vendor error fields with readErrorBody', async () => {
      // Prepare
      answer(json(400, { title: 'Bad Request', detail: 'campaign 7 is archived', traceId: 'trace-42' }));

      // Act
      const error = await failureOf(client().send({ method: 'POST', path: '/campaigns/7/pause', json: {}, operation: 'pause campaign 7' }));

      // Assess
      expect(error).toBeInstanceOf(VendorError);
      const vendorError = error as VendorError;
      expect(vendorError.status).toBe(400);
      expect(vendorError.retryable).toBe(false);
      expect(vendorError.body).toEqual({ title: 'Bad Request', message: 'campaign 7 is archived', traceId: 'trace-42' });
      expect(vendorError.message).toBe('acme pause campaign 7 answered 400 (Bad Request: campaign 7 is archived)');
      expect(vendorError.vendorMessage).toBe('campaign 7 is archived');
      expect(seen).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });

    it('surfaces a 4xx whose body is not JSON with an empty vendor body', async () => {
      // Prepare
      answer(text(404, 'Not Found'));

      // Act
      const error = await failureOf(client().send({ method: 'GET', path: '/campaigns/9', operation: 'read campaign 9' }));

      // Assess
      expect(error).toBeInstanceOf(VendorError);
      expect((error as VendorError).body).toEqual({});
      expect((error as VendorError).vendorMessage).toBe('HTTP 404');
      expect(seen).toHaveLength(1);
    });
  });

  describe('authentication', () => {
    it('renews once on a 401 with the generation that failed, then retries without counting an attempt', async () => {
      // Prepare
      const auth = new RecordingAuth();
      answer(json(401, { title: 'Unauthorized' }), json(200, { ok: true }));

      // Act
      const response = await client({ auth, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }).send({
        method: 'GET',
        path: '/campaigns',
        operation: 'list campaigns',
      });

      // Assess
      expect(response.body).toEqual({ ok: true });
      expect(auth.renewals).toEqual([1]);
      expect(seen.map((r) => r.headers.authorization)).toEqual([`Bearer ${SECRET_TOKEN}-1`, `Bearer ${SECRET_TOKEN}-2`]);
      expect(sleeps).toEqual([]);
    });

    it('surfaces a second 401 without renewing again', async () => {
      // Prepare
      const auth = new RecordingAuth();
      answer(json(401, { title: 'Unauthorized' }));

      // Act
      const error = await failureOf(client({ auth }).send({ method: 'GET', path: '/campaigns', operation: 'list campaigns' }));

      // Assess
      expect(error).toBeInstanceOf(VendorError);
      expect((error as VendorError).status).toBe(401);
      expect((error as VendorError).retryable).toBe(false);
      expect(auth.renewals).toEqual([1]);
      expect(seen).toHaveLength(2);
    });

    it('surfaces a 401 at once when the authenticator cannot renew', async () => {
      // Prepare
      const auth: Authenticator = { authorize: async () => ({ headers: { Authorization: 'Bearer x' }, generation: 1 }) };
      answer(json(401, {}));

      // Act
      const error = await failureOf(client({ auth }).send({ method: 'GET', path: '/campaigns', operation: 'list campaigns' }));

      // Assess
      expect((error as VendorError).status).toBe(401);
      expect(seen).toHaveLength(1);
    });
  });

  describe('telemetry', () => {
    it('counts every request, every retry and every throttle', async () => {
      // Prepare
      answer(json(503, {}), json(429, {}), json(200, {}));

      // Act
      await client().send({ method: 'GET', path: '/campaigns', operation: 'list campaigns' });

      // Assess
      expect(counts).toEqual({ VendorRequests: 3, VendorRetries: 2, VendorThrottles: 1 });
    });

    it('logs each vendor call and each retry at debug level', async () => {
      // Prepare
      answer(json(503, {}), json(200, {}));

      // Act
      await client().send({ method: 'GET', path: '/campaigns', operation: 'list campaigns' });

      // Assess
      expect(logLines.map((l) => [l.level, l.message])).toEqual([
        ['debug', 'vendor call'],
        ['debug', 'retrying vendor call'],
        ['debug', 'vendor call'],
      ]);
      expect(logLines[1]?.extra[0]).toMatchObject({ vendor: 'acme', operation: 'list campaigns', attempt: 1, delayMs: 50 });
    });
  });

  describe('credentials', () => {
    it('never puts the Authorization header value in an error message or a log line', async () => {
      // Prepare
      const auth = new RecordingAuth();
      const calls: [string, () => Promise<unknown>][] = [];
      const http = client({ auth, timeoutMs: 150 });
      const get = (path: string) => () => http.send({ method: 'GET', path, operation: `read ${path}` });
      const post = (path: string) => () => http.send({ method: 'POST', path, json: {}, operation: `write ${path}` });
      calls.push(['400', post('/bad')], ['503', get('/down')], ['reset', post('/reset')], ['timeout', get('/slow')], ['401', get('/auth')], ['not JSON', post('/html')]);
      const plan: Record<string, Responder[]> = {
        '400': [json(400, { title: 'Bad', detail: 'nope' })],
        '503': [json(503, { detail: 'down' })],
        reset: [reset],
        timeout: [hang],
        '401': [json(401, { title: 'Unauthorized' })],
        'not JSON': [text(200, '<html/>')],
      };

      // Act
      const errors: unknown[] = [];
      for (const [name, call] of calls) {
        answer(...plan[name]!);
        errors.push(await failureOf(call()));
      }

      // Assess
      expect(errors).toHaveLength(6);
      expect(seen.some((r) => r.headers.authorization?.includes(SECRET_TOKEN))).toBe(true);
      const written = [
        ...errors.flatMap((e) => [String(e), (e as Error).message, JSON.stringify(e)]),
        ...logLines.map((l) => `${l.message} ${JSON.stringify(l.extra)}`),
      ];
      expect(logLines.length).toBeGreaterThan(0);
      for (const line of written) expect(line).not.toContain(SECRET_TOKEN);
    });
  });

  describe('the limiter', () => {
    it('acquires and releases a slot for every attempt', async () => {
      // Prepare
      const limiter = new RecordingLimiter();
      answer(json(503, {}), reset, json(200, {}));

      // Act
      await client({ limiter }).send({ method: 'GET', path: '/campaigns', operation: 'list campaigns' });

      // Assess
      expect(limiter.acquired).toBe(3);
      expect(limiter.released).toBe(3);
    });

    it("feeds the vendor's rate-limit headers to observe, on success and on refusal", async () => {
      // Prepare
      const limiter = new RecordingLimiter();
      answer(
        json(429, {}, { 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1' }),
        json(200, {}, { 'X-RateLimit-Limit': '150', 'X-RateLimit-Remaining': '42', 'X-RateLimit-Reset': '30' }),
      );

      // Act
      await client({ limiter, readRateLimit }).send({ method: 'GET', path: '/campaigns', operation: 'list campaigns' });

      // Assess
      expect(limiter.observed).toEqual([
        { limit: 10, remaining: 0, resetMs: 1_000 },
        { limit: 150, remaining: 42, resetMs: 30_000 },
      ]);
    });

    it('observes nothing when the vendor sends no rate-limit headers', async () => {
      // Prepare
      const limiter = new RecordingLimiter();
      answer(json(200, {}));

      // Act
      await client({ limiter, readRateLimit }).send({ method: 'GET', path: '/campaigns', operation: 'list campaigns' });

      // Assess
      expect(limiter.observed).toEqual([]);
    });

    it('holds the whole account until Retry-After on a 429', async () => {
      // Prepare
      const limiter = new RecordingLimiter();
      answer(json(429, {}, { 'Retry-After': '3' }), json(200, {}));
      const before = Date.now();

      // Act
      await client({ limiter }).send({ method: 'GET', path: '/campaigns', operation: 'list campaigns' });
      const afterCall = Date.now();

      // Assess
      expect(limiter.holds).toHaveLength(1);
      expect(limiter.holds[0]).toBeGreaterThanOrEqual(before + 3_000);
      expect(limiter.holds[0]).toBeLessThanOrEqual(afterCall + 3_000);
    });

    it('does not hold the account on a 429 without Retry-After, or on a 503 with one', async () => {
      // Prepare
      const limiter = new RecordingLimiter();
      answer(json(429, {}), json(503, {}, { 'Retry-After': '3' }), json(200, {}));

      // Act
      await client({ limiter }).send({ method: 'GET', path: '/campaigns', operation: 'list campaigns' });

      // Assess
      expect(limiter.holds).toEqual([]);
    });
  });
});

describe('Class: HttpClient against a vendor that cannot be trusted', () => {
  it.each([301, 302, 303, 307, 308])('a vendor that redirects (%i) gets nothing re-sent elsewhere: the call fails naming the status', async (status) => {
    // Prepare: the redirect points at another path of the same server, so a followed one would be seen
    answer((_req, res) => {
      res.writeHead(status, { Location: `${baseUrl}thief` });
      res.end();
    }, json(200, { stolen: true }));

    // Act
    const error = await failureOf(
      client().send({ method: 'POST', path: '/api/authentication/v1/authenticate', json: { key: 'k', password: SECRET_TOKEN }, operation: 'authenticate', idempotent: true }),
    );

    // Assess
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error.message).toContain(`HTTP ${status}`);
    expect(error.message).toContain('redirect');
    expect(seen.map((r) => r.url)).toEqual(['/api/authentication/v1/authenticate']);
    expect((error as UnexpectedResponseError).retryable).toBe(false);
  });

  it('an answer longer than the byte cap fails without retry and says why', async () => {
    // Prepare
    answer(json(200, { items: 'x'.repeat(5_000) }));

    // Act
    const error = await failureOf(client({ maxResponseBytes: 1_000 }).send({ method: 'GET', path: '/campaigns', operation: 'list campaigns' }));

    // Assess
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error.message).toContain('larger than 1000 bytes');
    expect(seen).toHaveLength(1);
  });

  it('a body that never ends is cut at the byte cap, not read until memory runs out', async () => {
    // Prepare: chunked, no Content-Length, a chunk every tick until the client goes away
    let written = 0;
    answer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        if (res.destroyed || req.socket.destroyed) return;
        written += chunk.length;
        if (res.write(chunk)) setImmediate(pump);
        else res.once('drain', pump);
      };
      res.on('close', () => {});
      pump();
    });

    // Act
    const error = await failureOf(client({ maxResponseBytes: 1024 * 1024 }).send({ method: 'GET', path: '/campaigns', operation: 'list campaigns' }));

    // Assess
    expect(error.message).toContain('larger than 1048576 bytes');
    expect(seen).toHaveLength(1);
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('a vendor echoing the credentials in its error gets them scrubbed from the message, in every form', async () => {
    // Prepare
    const redactor = new Redactor();
    redactor.add(SECRET_TOKEN);
    redactor.add('hunter2-password');
    redactor.addBasicAuth('secret-key-1', 'hunter2-password');
    const basic = Buffer.from('secret-key-1:hunter2-password').toString('base64');
    const echoed = `you sent Authorization: Bearer ${SECRET_TOKEN}, Basic ${basic}, password=${encodeURIComponent('hunter2-password')} b64=${Buffer.from(SECRET_TOKEN).toString('base64')}`;
    answer(json(400, { title: `bad ${SECRET_TOKEN}`, detail: echoed, traceId: SECRET_TOKEN }));

    // Act
    const error = (await failureOf(client({ redactor }).send({ method: 'GET', path: '/x', operation: 'read x' }))) as VendorError;

    // Assess
    const everything = `${error.message} ${JSON.stringify(error.body)} ${error.vendorMessage}`;
    for (const secret of [SECRET_TOKEN, 'hunter2-password', basic, Buffer.from(SECRET_TOKEN).toString('base64')]) expect(everything).not.toContain(secret);
    expect(error.vendorMessage).toContain('[redacted]');
  });

  it('a credential inside a successful answer (a campaign name) is scrubbed before anyone reads it', async () => {
    // Prepare
    const redactor = new Redactor();
    redactor.add(SECRET_TOKEN);
    answer(json(200, [{ id: 1, name: `Spring sale ${SECRET_TOKEN}`, [SECRET_TOKEN]: 'key' }]));

    // Act
    const response = await client({ redactor }).send({ method: 'GET', path: '/campaigns', operation: 'list campaigns' });

    // Assess
    expect(JSON.stringify(response.body)).not.toContain(SECRET_TOKEN);
    expect(response.body).toEqual([{ id: 1, name: 'Spring sale [redacted]', '[redacted]': 'key' }]);
  });

  it("a vendor's error text is cut to a readable length", async () => {
    // Prepare
    answer(json(400, { title: 'Bad request', detail: 'y'.repeat(100_000) }));

    // Act
    const error = (await failureOf(client().send({ method: 'GET', path: '/x', operation: 'read x' }))) as VendorError;

    // Assess
    expect(error.message.length).toBeLessThan(1_000);
    expect(error.vendorMessage).toContain('more characters');
  });

  it('a neighbour on the account making every call meet 429s does not fail it: 429s are waited out, not counted as attempts', async () => {
    // Prepare: more 429s in a row than the policy has attempts
    answer(json(429, {}), json(429, {}), json(429, {}), json(429, {}), json(429, {}), json(429, {}), json(200, { ok: true }));

    // Act
    const response = await client({ retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 } }).send({ method: 'GET', path: '/x', operation: 'read x' });

    // Assess
    expect(response.body).toEqual({ ok: true });
    expect(seen).toHaveLength(7);
    expect(sleeps).toHaveLength(6);
  });

  it("429s are waited out only until the run's deadline, which ends the call with the vendor's answer", async () => {
    // Prepare: a clock the sleeps move forward, and a deadline 10 s away
    let clock = 1_000_000;
    answer(json(429, {}, { 'Retry-After': '2' }));

    // Act
    const error = (await failureOf(
      client({
        now: () => clock,
        deadline: () => 1_000_000 + 10_000,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock += ms;
        },
      }).send({ method: 'GET', path: '/x', operation: 'read x' }),
    )) as VendorError;

    // Assess
    expect(error).toBeInstanceOf(VendorError);
    expect(error.status).toBe(429);
    expect(error.message).toContain("run's deadline");
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_000);
    expect(seen.length).toBeGreaterThanOrEqual(4);
  });
});

describe('Function: checkBaseUrl', () => {
  it.each([
    'https://api.ocamba.com',
    'https://api.deltadna.net/',
    'https://tap-nexus.appspot.com:8443/base',
    'http://127.0.0.1:4010',
    'http://localhost:4010',
    'HTTP://LOCALHOST',
    'http://[::1]:4010',
  ])('accepts %s', (value) => {
    // Act
    const problem = checkBaseUrl(value);

    // Assess
    expect(problem).toBeUndefined();
  });

  it.each([
    ['plain http to a remote host', 'http://api.ocamba.com'],
    ['plain http to a host that merely starts with localhost', 'http://localhost.example.com'],
    ['plain http to a private address', 'http://10.0.0.5'],
    ['another scheme', 'ftp://127.0.0.1/'],
    ['a file URL', 'file:///etc/passwd'],
  ])('refuses %s as not https', (_label, value) => {
    // Act
    const problem = checkBaseUrl(value);

    // Assess
    expect(problem).toContain('must be https');
  });

  it.each(['', 'api.ocamba.com', '/v1', 'https//missing-colon'])('refuses %j as not a URL', (value) => {
    // Act
    const problem = checkBaseUrl(value);

    // Assess
    expect(problem).toBe('is not a URL');
  });
});

describe('Function: buildUrl', () => {
  it('joins base and path with one slash and encodes the query', () => {
    // Act
    const url = buildUrl('https://api.example.com/base//', '/v1/items', { q: 'a b&c', page: 3 });

    // Assess
    expect(url).toBe('https://api.example.com/base/v1/items?q=a+b%26c&page=3');
  });
});
