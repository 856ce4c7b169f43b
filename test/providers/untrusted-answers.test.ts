/**
 * The vendor clients against answers no honest vendor gives: pages served again and again, totals of a
 * trillion, token lifetimes of 10^20 seconds, rate-limit headers that would hold an account for days.
 * A small loopback server answers as each test says; nothing here trusts the simulators to misbehave.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryTokenCache } from '../../functions/adapters/local/memory.js';
import { UnexpectedResponseError } from '../../functions/core/errors.js';
import type { Log } from '../../functions/core/ports.js';
import { WindowedLimiter } from '../../functions/core/rate-limiter.js';
import { DeltaDnaProvider, tokenLifetimeSeconds } from '../../functions/providers/deltadna.js';
import { OCAMBA_LIMITS, OcambaProvider, ocambaRateLimitProblem } from '../../functions/providers/ocamba.js';

type Answer = (req: IncomingMessage, url: URL) => { status?: number; body: string; headers?: Record<string, string> };

let server: Server | undefined;
let requests: string[] = [];

const vendor = async (answer: Answer): Promise<string> => {
  requests = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      const { status = 200, body, headers = {} } = answer(req, url);
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const drain = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};

const failureOf = async (work: Promise<unknown>): Promise<Error> => {
  try {
    await work;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
};

const FAST = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 };
const noSleep = async (): Promise<void> => {};

const authenticated = (expiresIn: unknown): Answer => (_req, url) =>
  url.pathname.endsWith('/authenticate')
    ? { body: `{"idToken":"tok-abcdef123456","expiresIn":${typeof expiresIn === 'string' ? expiresIn : JSON.stringify(expiresIn)}}` }
    : { body: '[]' };

describe('Provider: deltadna, answers that cannot be trusted', () => {
  it('a listing whose vendor serves the same full page forever fails saying the pagination did not progress', async () => {
    // Prepare: every page holds the same 2 campaigns, a full page at limit 2
    const page = JSON.stringify([
      { id: 1, name: 'a', environment: 1, status: 'ACTIVE' },
      { id: 2, name: 'b', environment: 1, status: 'ACTIVE' },
    ]);
    const baseUrl = await vendor((_req, url) => (url.pathname.endsWith('/authenticate') ? { body: '{"idToken":"tok-abcdef123456"}' } : { body: page }));
    const provider = new DeltaDnaProvider({ credentials: { key: 'key-1234', password: 'pass-1234', baseUrl }, pageSize: 2, retry: FAST, sleep: noSleep });

    // Act
    const error = await failureOf(drain(provider.listCampaigns()));

    // Assess
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(error.message).toContain('pagination did not progress');
    expect(requests.filter((r) => r.includes('/campaigns/'))).toHaveLength(2);
  });

  it.each([
    ['10^20 seconds', '1e20'],
    ['10^400 (Infinity once parsed)', '1e400'],
    ['a negative lifetime', '-5'],
    ['a string', '"soon"'],
    ['two seconds', '2'],
  ])('a token lifetime of %s neither crashes the run nor keeps the token beyond the default 1800 s', async (_label, expiresIn) => {
    // Prepare
    const baseUrl = await vendor(authenticated(expiresIn));
    const cache = new MemoryTokenCache();
    const now = Date.UTC(2026, 11, 1, 22, 0, 0);
    const provider = new DeltaDnaProvider({ credentials: { key: 'key-1234', password: 'pass-1234', baseUrl }, tokenCache: cache, now: () => now, retry: FAST, sleep: noSleep });

    // Act
    const campaigns = await drain(provider.listCampaigns());

    // Assess
    expect(campaigns).toEqual([]);
    const cached = await cache.get();
    expect(Date.parse(cached!.expiresAt) - now).toBe(1_800_000);
    expect(provider.tokens.authentications).toBe(1);
  });

  it('a plausible token lifetime is kept as the vendor states it', () => {
    // Act & Assess
    expect(tokenLifetimeSeconds(3_600)).toBe(3_600);
    expect(tokenLifetimeSeconds(Number.POSITIVE_INFINITY)).toBe(1_800);
    expect(tokenLifetimeSeconds(Number.NaN)).toBe(1_800);
  });
});

describe('Provider: ocamba, answers that cannot be trusted', () => {
  const items = (ids: number[]) => ids.map((id) => ({ id: String(id), name: `c${id}`, status: 'running', labels: [] }));

  it('a total of a trillion campaigns fails at once instead of paging for ever', async () => {
    // Prepare
    const baseUrl = await vendor(() => ({ body: JSON.stringify({ total: 1e12, items: items([1, 2]) }) }));
    const provider = new OcambaProvider({ credentials: { token: 'tok-ocamba-123', baseUrl }, limiter: new WindowedLimiter(), retry: FAST, sleep: noSleep });

    // Act
    const error = await failureOf(drain(provider.listCampaigns()));

    // Assess
    expect(error.message).toContain('1000000000000 campaigns');
    expect(requests).toHaveLength(1);
  });

  it('a vendor repeating the same page under a believable total fails saying the pagination did not progress', async () => {
    // Prepare
    const baseUrl = await vendor(() => ({ body: JSON.stringify({ total: 500, items: items([1, 2, 3]) }) }));
    const provider = new OcambaProvider({ credentials: { token: 'tok-ocamba-123', baseUrl }, limiter: new WindowedLimiter(), retry: FAST, sleep: noSleep, pageSize: 3 });

    // Act
    const error = await failureOf(drain(provider.listCampaigns()));

    // Assess
    expect(error.message).toContain('pagination did not progress');
    expect(requests).toHaveLength(2);
  });

  it('pages no further than the total calls for, even when every page brings new ids', async () => {
    // Prepare: total 4 in pages of 2, but the vendor keeps inventing campaigns and never shortens a page
    let next = 0;
    const baseUrl = await vendor(() => {
      next += 2;
      return { body: JSON.stringify({ total: 4, items: items([next, next + 1000]) }) };
    });
    const provider = new OcambaProvider({ credentials: { token: 'tok-ocamba-123', baseUrl }, limiter: new WindowedLimiter(), retry: FAST, sleep: noSleep, pageSize: 2 });

    // Act
    const campaigns = await drain(provider.listCampaigns());

    // Assess: read counts reach total after two pages
    expect(campaigns).toHaveLength(4);
    expect(requests).toHaveLength(2);
  });

  it.each([
    ['a reset of 999999 s', { 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '999999' }],
    ['a limit of 10^8', { 'X-RateLimit-Limit': '100000000', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '1' }],
    ['a negative remaining', { 'X-RateLimit-Limit': '150', 'X-RateLimit-Remaining': '-4', 'X-RateLimit-Reset': '30' }],
    ['a remaining above the limit', { 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '99', 'X-RateLimit-Reset': '1' }],
    ['garbage', { 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': 'tomorrow' }],
  ])('rate-limit headers with %s are ignored (said once) and do not hold the account', async (_label, headers) => {
    // Prepare
    const baseUrl = await vendor(() => ({ body: JSON.stringify({ total: 2, items: items([1]) }), headers }));
    const limiter = new WindowedLimiter({ ...OCAMBA_LIMITS });
    const warnings: string[] = [];
    const log: Log = { debug: () => {}, info: () => {}, error: () => {}, warn: (message) => warnings.push(message) };
    const provider = new OcambaProvider({ credentials: { token: 'tok-ocamba-123', baseUrl }, limiter, log, retry: FAST, sleep: noSleep, pageSize: 1 });

    // Act: two pages, each with the same lie
    await drain(provider.listCampaigns());
    const next = await Promise.race([
      limiter.acquire().then((release) => {
        release();
        return 'free';
      }),
      new Promise((resolve) => setTimeout(() => resolve('held'), 300)),
    ]);

    // Assess
    expect(next).toBe('free');
    expect(warnings.filter((w) => w.includes('rate-limit headers'))).toHaveLength(headers['X-RateLimit-Reset'] === 'tomorrow' ? 0 : 1);
  });

  it('the documented range of the rate-limit headers is accepted', () => {
    // Act & Assess
    expect(ocambaRateLimitProblem({ limit: 10, remaining: 3, resetMs: 1_000 })).toBeUndefined();
    expect(ocambaRateLimitProblem({ limit: 150, remaining: 0, resetMs: 60_000 })).toBeUndefined();
    expect(ocambaRateLimitProblem({ limit: 150, remaining: 0, resetMs: 60_001 })).toContain('beyond its 60 s window');
    expect(ocambaRateLimitProblem({ limit: 10, remaining: 0, resetMs: 2_000 })).toContain('beyond its 1 s window');
  });
});

describe('Class: WindowedLimiter, whatever it is told', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a report of 10^8 requests and a reset of 11 days holds the account no longer than the window it is about', async () => {
    // Prepare
    vi.useFakeTimers({ now: 1_000_000 });
    const limiter = new WindowedLimiter({ windows: [{ limit: 10, periodMs: 1_000 }] });

    // Act
    limiter.observe({ limit: 100_000_000, remaining: 0, resetMs: 999_999_000 });
    let granted = false;
    void limiter.acquire().then((release) => {
      granted = true;
      release();
    });
    await vi.advanceTimersByTimeAsync(1_500);

    // Assess
    expect(granted).toBe(true);
  });
});
