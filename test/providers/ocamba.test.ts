import { afterEach, describe, expect, it } from 'vitest';
import { VendorError } from '../../functions/core/errors.js';
import { WindowedLimiter } from '../../functions/core/rate-limiter.js';
import { OcambaProvider, OCAMBA_LIMITS, parseOcambaCredentials } from '../../functions/providers/ocamba.js';
import { startOcambaSim, type OcambaCampaign, type OcambaSim } from '../../sim/ocamba.js';
import { DEMO_CREDENTIALS, demoOcambaOptions } from '../../sim/seed.js';

const FAST_RETRY = { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 50 };
const { token } = DEMO_CREDENTIALS.ocamba;

let sim: OcambaSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A fresh limiter per test: the process-wide one of the account would carry state between tests. */
const providerFor = (s: OcambaSim, limiter = new WindowedLimiter({ ...OCAMBA_LIMITS })) =>
  new OcambaProvider({ credentials: { token, baseUrl: s.url }, limiter, retry: FAST_RETRY });

const manyCampaigns = (count: number): OcambaCampaign[] =>
  Array.from({ length: count }, (_, i) => ({ id: String(2_000_000 + i), name: `Campaign ${i}`, labels: [], status: 'running' as const }));

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};

describe('Provider: ocamba', () => {
  it("a neighbour on the account throttling a pause more times in a row than there are attempts does not fail it: the vendor only said \"not now\"", async () => {
    // Prepare: more 429s (Ocamba's "too many parallel requests", no wait given) than the policy has attempts
    sim = await startOcambaSim(demoOcambaOptions());
    const provider = providerFor(sim);
    sim.inject({
      method: 'POST',
      path: '/v1/hood/campaigns/1000248/pause',
      times: FAST_RETRY.maxAttempts + 2,
      fault: { status: 429, body: { code: 429, title: 'Too many requests.' }, headers: { 'Retry-After': '-1' } },
    });
    const campaign = await provider.getCampaign('1000248');

    // Act
    await provider.pause(campaign, 'Nightly');

    // Assess
    const pauses = sim.requests.filter((r) => r.path === '/v1/hood/campaigns/1000248/pause');
    expect(pauses.map((r) => r.status)).toEqual([...Array<number>(FAST_RETRY.maxAttempts + 2).fill(429), 204]);
    expect((await provider.getCampaign('1000248')).status).toBe('paused');
  });

  it('pages by total and maps statuses, labels and ids', async () => {
    // Prepare
    sim = await startOcambaSim({ ...demoOcambaOptions(), campaigns: [...demoOcambaOptions().campaigns, ...manyCampaigns(230)] });
    const provider = providerFor(sim);

    // Act
    const campaigns = await collect(provider.listCampaigns());

    // Assess
    expect(campaigns).toHaveLength(sim.campaigns().length);
    expect(new Set(campaigns.map((c) => c.id)).size).toBe(campaigns.length);
    expect(campaigns.find((c) => c.id === '1000248')).toMatchObject({ name: 'Black Friday', status: 'running', labels: ['night-off', 'promo'] });
    expect(campaigns.find((c) => c.id === '1000246')).toMatchObject({ status: 'ended', vendorStatus: 'canceled' });
    expect(sim.requests.filter((r) => r.path === '/v1/hood/campaigns').map((r) => r.query.page)).toEqual(['1,100', '2,100', '3,100']);
  });

  it('pauses with the reason and resumes', async () => {
    // Prepare
    sim = await startOcambaSim(demoOcambaOptions());
    const provider = providerFor(sim);
    const campaign = await provider.getCampaign('1000248');

    // Act
    await provider.pause(campaign, 'Overnight maintenance');
    const paused = await provider.getCampaign('1000248');
    await provider.resume(paused);

    // Assess
    const pause = sim.requests.find((r) => r.path.endsWith('/1000248/pause'));
    expect(pause?.body).toEqual({ reason: 'Overnight maintenance' });
    expect(paused.status).toBe('paused');
    expect(sim.campaign('1000248')?.status).toBe('running');
  });

  it('25 calls at once against the real limits produce zero 429s and never more than 10 in flight', async () => {
    // Prepare
    sim = await startOcambaSim({ ...demoOcambaOptions(), latencyMs: 20 });
    const provider = providerFor(sim);

    // Act
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 25 }, () => provider.getCampaign('1000248')));
    const elapsed = Date.now() - started;

    // Assess
    expect(results).toHaveLength(25);
    expect(sim.throttledCount).toBe(0);
    expect(sim.maxInFlightSeen).toBeLessThanOrEqual(10);
    // 25 calls at 10 a second need two full windows after the first ten.
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
  });

  it('waits out a burst of 429s with Retry-After instead of hammering, holding every call of the account', async () => {
    // Prepare
    sim = await startOcambaSim(demoOcambaOptions());
    const provider = providerFor(sim);
    sim.inject({
      path: '/v1/hood/campaigns/1000248',
      times: 1,
      fault: { status: 429, body: { code: 429, title: 'Too many requests.' }, headers: { 'Retry-After': '1' } },
    });

    // Act
    const first = provider.getCampaign('1000248');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const others = Promise.all([provider.getCampaign('1000241'), provider.getCampaign('1000242')]);
    await Promise.all([first, others]);

    // Assess
    const throttled = sim.requests.find((r) => r.status === 429)!;
    const after = sim.requests.filter((r) => r.startedAt > throttled.startedAt + 50);
    expect(after.length).toBeGreaterThanOrEqual(3);
    for (const request of after) expect(request.startedAt - throttled.finishedAt).toBeGreaterThanOrEqual(950);
  });

  it('aligns with the vendor window when another process used part of it', async () => {
    // Prepare: a tight second window so that unaligned bursts would certainly be throttled.
    sim = await startOcambaSim({ ...demoOcambaOptions(), limits: { perSecond: 5, perMinute: 150, inFlight: 10 } });
    const limiter = new WindowedLimiter({ windows: [{ limit: 5, periodMs: 1_000 }, { limit: 150, periodMs: 60_000 }], maxInFlight: 10 });
    const provider = providerFor(sim, limiter);
    await provider.getCampaign('1000248');
    sim.useQuota(3);

    // Act
    await provider.getCampaign('1000241');
    await Promise.all(Array.from({ length: 6 }, () => provider.getCampaign('1000242')));

    // Assess
    expect(sim.throttledCount).toBe(0);
  });

  it('does not retry a 400 and surfaces the vendor message', async () => {
    // Prepare
    sim = await startOcambaSim(demoOcambaOptions());
    const provider = providerFor(sim);
    const draft = await provider.getCampaign('1000245');

    // Act
    const error = await provider.pause(draft, 'x').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(VendorError);
    expect((error as VendorError).status).toBe(400);
    expect((error as VendorError).vendorMessage).toMatch(/running.*scheduled/);
    expect((error as VendorError).body.traceId).toBeTruthy();
    expect(sim.requests.filter((r) => r.path.endsWith('/1000245/pause'))).toHaveLength(1);
  });

  it('retries a 500 and a reset on resume', async () => {
    // Prepare
    sim = await startOcambaSim(demoOcambaOptions());
    const provider = providerFor(sim);
    const paused = await provider.getCampaign('1000247');
    sim.inject({ method: 'POST', path: /\/resume$/, times: 1, fault: { status: 500, body: { code: 500, title: 'Internal server error.' } } });
    sim.inject({ method: 'POST', path: /\/resume$/, times: 1, after: 1, fault: { kind: 'reset' } });

    // Act
    await provider.resume(paused);

    // Assess
    expect(sim.campaign('1000247')?.status).toBe('running');
    expect(sim.requests.filter((r) => r.path.endsWith('/resume')).map((r) => r.status)).toEqual([500, 0, 204]);
  });
});

describe('Function: parseOcambaCredentials', () => {
  it('needs a token and never echoes it', () => {
    expect(() => parseOcambaCredentials('campaign-ops/hood', '{"tokn":"abc-secret"}')).toThrow(/campaign-ops\/hood: token: is required/);
    expect(() => parseOcambaCredentials('campaign-ops/hood', 'not json abc-secret')).not.toThrow(/abc-secret/);
  });
});
