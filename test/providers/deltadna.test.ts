import { afterEach, describe, expect, it } from 'vitest';
import { MemoryTokenCache } from '../../functions/adapters/local/memory.js';
import { TransportError, VendorError } from '../../functions/core/errors.js';
import { DeltaDnaProvider, parseDeltaDnaCredentials, CampaignKind } from '../../functions/providers/deltadna.js';
import { startDeltaDnaSim, type DeltaDnaSim, type DeltaDnaCampaign } from '../../sim/deltadna.js';
import { DEMO_CREDENTIALS, demoDeltaDnaOptions } from '../../sim/seed.js';

const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 };
const { key, password } = DEMO_CREDENTIALS.deltadna;

let sim: DeltaDnaSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const providerFor = (s: DeltaDnaSim, options: Partial<ConstructorParameters<typeof DeltaDnaProvider>[0]> = {}) =>
  new DeltaDnaProvider({ credentials: { key, password, baseUrl: s.url }, retry: FAST_RETRY, ...options });

const manyCampaigns = (count: number): DeltaDnaCampaign[] =>
  Array.from({ length: count }, (_, i) => ({ id: 100_000 + i, name: `Campaign ${i}`, environment: 8756, status: 'ACTIVE' as const }));

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};

describe('Provider: deltadna', () => {
  it('lists 950 campaigns over pages of 100, each exactly once', async () => {
    // Prepare
    sim = await startDeltaDnaSim({ ...demoDeltaDnaOptions(), campaigns: manyCampaigns(950) });
    const provider = providerFor(sim, { pageSize: 100 });

    // Act
    const campaigns = await collect(provider.listCampaigns());

    // Assess
    expect(campaigns).toHaveLength(950);
    expect(new Set(campaigns.map((c) => c.id)).size).toBe(950);
    const pages = sim.requests.filter((r) => r.path === '/api/engage/v1/campaigns/event-triggered').map((r) => r.query.page);
    expect(pages).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('maps vendor statuses onto the shared vocabulary and keeps the raw one', async () => {
    // Prepare
    sim = await startDeltaDnaSim(demoDeltaDnaOptions());
    const provider = providerFor(sim);

    // Act
    const campaigns = await collect(provider.listCampaigns());

    // Assess
    const byId = new Map(campaigns.map((c) => [c.id, c]));
    expect(byId.get('34749')).toMatchObject({ status: 'running', vendorStatus: 'ACTIVE', environment: 8756, kind: 'event-triggered' });
    expect(byId.get('34751')).toMatchObject({ status: 'draft', vendorStatus: 'DRAFT' });
    expect(byId.get('34752')).toMatchObject({ status: 'paused' });
    expect(byId.get('34753')).toMatchObject({ status: 'ended' });
    expect(byId.get('34754')).toMatchObject({ status: 'scheduled' });
  });

  it('lists environments and decision-point campaigns behind the same interface', async () => {
    // Prepare
    sim = await startDeltaDnaSim(demoDeltaDnaOptions());
    const provider = providerFor(sim, { kind: CampaignKind.decisionPoint });

    // Act
    const environments = await provider.listEnvironments();
    const campaigns = await collect(provider.listCampaigns());
    await provider.pause(campaigns[0]!);

    // Assess
    expect(environments).toContainEqual({ id: 8756, game: 'DeltaSlot', name: 'Live' });
    expect(campaigns.map((c) => c.kind)).toEqual(campaigns.map(() => 'decision-point'));
    expect(sim.campaign(Number(campaigns[0]!.id), 'decision-point')?.status).toBe('PAUSED');
  });

  it('a token that expires mid-run costs exactly one re-authentication and no failed call', async () => {
    // Prepare
    sim = await startDeltaDnaSim(demoDeltaDnaOptions());
    const provider = providerFor(sim, { maxInFlight: 4 });
    const campaigns = (await collect(provider.listCampaigns())).filter((c) => c.status === 'running');

    // Act
    sim.expireTokens();
    await Promise.all(campaigns.map((c) => provider.pause(c)));

    // Assess
    expect(sim.authCount).toBe(2);
    expect(provider.tokens.authentications).toBe(2);
    for (const c of campaigns) expect(sim.campaign(Number(c.id))?.status).toBe('PAUSED');
  });

  it('reuses a cached token from the token cache without authenticating', async () => {
    // Prepare
    sim = await startDeltaDnaSim(demoDeltaDnaOptions());
    const cache = new MemoryTokenCache();
    await collect(providerFor(sim, { tokenCache: cache }).listCampaigns());

    // Act
    await collect(providerFor(sim, { tokenCache: cache }).listCampaigns());

    // Assess
    expect(sim.authCount).toBe(1);
    expect((await cache.get())?.token).toBeTruthy();
  });

  it('a token cache that cannot be read or written costs an authentication, never the run', async () => {
    // Prepare
    sim = await startDeltaDnaSim(demoDeltaDnaOptions());
    const broken = {
      get: async () => Promise.reject(new Error('AccessDeniedException')),
      put: async () => Promise.reject(new Error('ResourceNotFoundException')),
    };
    const warnings: string[] = [];
    const log = { debug: () => {}, info: () => {}, error: () => {}, warn: (message: string) => void warnings.push(message) };

    // Act
    const campaigns = await collect(providerFor(sim, { tokenCache: broken, log }).listCampaigns());

    // Assess
    expect(campaigns.length).toBeGreaterThan(0);
    expect(sim.authCount).toBe(1);
    expect(warnings).toEqual([
      'could not read the cached deltaDNA token; authenticating',
      'could not cache the deltaDNA token; the next run authenticates again',
    ]);
  });

  it('retries a 5xx and a connection reset, then succeeds', async () => {
    // Prepare
    sim = await startDeltaDnaSim(demoDeltaDnaOptions());
    const provider = providerFor(sim);
    const campaign = await provider.getCampaign('34749');
    sim.inject({ method: 'POST', path: /\/pause$/, times: 1, fault: { status: 503, body: { title: 'Service Unavailable', status: 503 } } });
    sim.inject({ method: 'POST', path: /\/pause$/, times: 1, after: 1, fault: { kind: 'reset' } });

    // Act
    await provider.pause(campaign);

    // Assess
    const pauses = sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/pause'));
    expect(pauses.map((r) => r.status)).toEqual([503, 0, 204]);
    expect(sim.campaign(34749)?.status).toBe('PAUSED');
  });

  it('does not retry a 400 and surfaces the vendor message', async () => {
    // Prepare
    sim = await startDeltaDnaSim(demoDeltaDnaOptions());
    const provider = providerFor(sim);
    const draft = await provider.getCampaign('34751');

    // Act
    const error = await provider.pause(draft).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(VendorError);
    expect((error as VendorError).status).toBe(400);
    expect((error as VendorError).retryable).toBe(false);
    expect((error as VendorError).vendorMessage).toMatch(/finalised/i);
    expect(sim.requests.filter((r) => r.path.endsWith('/34751/pause'))).toHaveLength(1);
  });

  it('cuts a hung server off with the timeout', async () => {
    // Prepare
    sim = await startDeltaDnaSim(demoDeltaDnaOptions());
    const provider = providerFor(sim, { timeoutMs: 150, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    sim.inject({ path: /event-triggered\/34749$/, times: Infinity, fault: { kind: 'hang' } });

    // Act
    const error = await provider.getCampaign('34749').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).timedOut).toBe(true);
    expect(sim.requests.filter((r) => r.path.endsWith('/34749'))).toHaveLength(2);
  });

  it('treats a malformed 2xx body as an unexpected answer, retried on reads', async () => {
    // Prepare
    sim = await startDeltaDnaSim(demoDeltaDnaOptions());
    const provider = providerFor(sim);
    sim.inject({ path: /event-triggered\/34749$/, times: 1, fault: { kind: 'malformed' } });

    // Act
    const campaign = await provider.getCampaign('34749');

    // Assess
    expect(campaign.name).toBe('Welcome Offer');
  });

  it('rejects wrong credentials with a 401 and never puts them in the error', async () => {
    // Prepare
    sim = await startDeltaDnaSim(demoDeltaDnaOptions());
    const provider = new DeltaDnaProvider({ credentials: { key: 'wrong-key-123', password: 'wrong-password-456', baseUrl: sim.url }, retry: FAST_RETRY });

    // Act
    const error = await collect(provider.listCampaigns()).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(VendorError);
    expect((error as VendorError).status).toBe(401);
    expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toMatch(/wrong-key-123|wrong-password-456/);
  });
});

describe('Function: parseDeltaDnaCredentials', () => {
  it('names the secret and the missing fields, never a value', () => {
    // Act
    const attempt = () => parseDeltaDnaCredentials('campaign-ops/live', JSON.stringify({ key: 'k-secret-value', baseUrl: 'http://example.com' }));

    // Assess
    expect(attempt).toThrow(/campaign-ops\/live.*password: is required.*baseUrl: must be https/);
    expect(attempt).not.toThrow(/k-secret-value/);
  });

  it('accepts loopback http for the simulators and defaults the base URL', () => {
    expect(parseDeltaDnaCredentials('s', JSON.stringify({ key: 'a', password: 'b', baseUrl: 'http://127.0.0.1:9999/' })).baseUrl).toBe('http://127.0.0.1:9999');
    expect(parseDeltaDnaCredentials('s', JSON.stringify({ key: 'a', password: 'b' })).baseUrl).toBe('https://api.deltadna.net');
  });
});
