import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDeltaDnaSim } from '../../sim/deltadna.js';
import type { DeltaDnaCampaign, DeltaDnaSim, DeltaDnaSimOptions } from '../../sim/deltadna.js';

const KEY = 'test-key';
const PASSWORD = 'test-password';
const T0 = Date.UTC(2026, 0, 1, 21, 0, 0);

const CAMPAIGNS: DeltaDnaCampaign[] = [
  { id: 1, name: 'Active one', environment: 8756, status: 'ACTIVE', trigger: 'gameStarted' },
  { id: 2, name: 'Scheduled one', environment: 8756, status: 'SCHEDULED' },
  { id: 34751, name: 'Draft', environment: 8756, status: 'DRAFT' },
  { id: 4, name: 'Paused by a person', environment: 8756, status: 'PAUSED' },
  { id: 5, name: 'Completed', environment: 8755, status: 'COMPLETED' },
];

describe('Simulator: deltadna', () => {
  let sim: DeltaDnaSim;
  let now: number;

  async function start(overrides: Partial<DeltaDnaSimOptions> = {}): Promise<DeltaDnaSim> {
    await sim?.close();
    sim = await startDeltaDnaSim({
      key: KEY,
      password: PASSWORD,
      environments: [
        { id: 8755, game: 'DeltaSlot', name: 'Dev' },
        { id: 8756, game: 'DeltaSlot', name: 'Live' },
      ],
      campaigns: CAMPAIGNS,
      decisionPointCampaigns: [{ id: 90, name: 'Shop', environment: 8756, status: 'ACTIVE' }],
      clock: () => now,
      ...overrides,
    });
    return sim;
  }

  async function login(): Promise<string> {
    const response = await fetch(`${sim.url}/api/authentication/v1/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: KEY, password: PASSWORD }),
    });
    const body = (await response.json()) as { idToken: string };
    return body.idToken;
  }

  async function call(path: string, token: string, method = 'GET'): Promise<Response> {
    return fetch(`${sim.url}/api/engage/v1${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  }

  beforeEach(async () => {
    now = T0;
    await start();
  });

  afterEach(async () => {
    await sim.close();
  });

  describe('authentication', () => {
    it('gives an idToken that lasts tokenTtlSeconds and counts the authentication', async () => {
      // Prepare
      const body = JSON.stringify({ key: KEY, password: PASSWORD });

      // Act
      const response = await fetch(`${sim.url}/api/authentication/v1/authenticate`, { method: 'POST', body });

      // Assess
      expect(response.status).toBe(200);
      const answer = (await response.json()) as { idToken: string; expiresIn: number };
      expect(answer.expiresIn).toBe(1800);
      expect(answer.idToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(sim.authCount).toBe(1);
    });

    it('refuses wrong credentials with a 401 problem body and never records the password', async () => {
      // Prepare
      const body = JSON.stringify({ key: KEY, password: 'wrong-password-123' });

      // Act
      const response = await fetch(`${sim.url}/api/authentication/v1/authenticate`, { method: 'POST', body });

      // Assess
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ title: 'Unauthorized', status: 401, detail: 'Invalid API key or password' });
      expect(sim.authCount).toBe(0);
      expect(sim.requests[0]?.body).toEqual({ key: KEY, password: '***' });
      expect(sim.requests[0]?.authorized).toBe(false);
    });

    it('answers 400 to an authentication body that is not JSON', async () => {
      // Prepare
      const body = 'key=test-key';

      // Act
      const response = await fetch(`${sim.url}/api/authentication/v1/authenticate`, { method: 'POST', body });

      // Assess
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ title: 'Bad Request', status: 400 });
    });

    it('answers 401 without a token, with an unknown token, and with an expired one', async () => {
      // Prepare
      const token = await login();
      now = T0 + 1800 * 1000;

      // Act
      const missing = await fetch(`${sim.url}/api/engage/v1/environments`);
      const unknown = await call('/environments', 'made-up-token');
      const expired = await call('/environments', token);

      // Assess
      expect([missing.status, unknown.status, expired.status]).toEqual([401, 401, 401]);
      expect(await missing.json()).toMatchObject({ title: 'Unauthorized', status: 401, detail: 'Missing bearer token' });
      expect(await unknown.json()).toMatchObject({ detail: 'Invalid token' });
      expect(await expired.json()).toMatchObject({ detail: 'Token has expired' });
      expect(sim.requests.at(-1)?.headers.authorization).toBe('Bearer ***');
    });

    it('accepts a token until just before its expiry', async () => {
      // Prepare
      await start({ tokenTtlSeconds: 60 });
      const token = await login();
      now = T0 + 59_999;

      // Act
      const response = await call('/environments', token);

      // Assess
      expect(response.status).toBe(200);
    });

    it('expires every issued token at once on expireTokens', async () => {
      // Prepare
      const first = await login();
      const second = await login();

      // Act
      sim.expireTokens();
      const answers = await Promise.all([call('/environments', first), call('/environments', second)]);
      const fresh = await call('/environments', await login());

      // Assess
      expect(answers.map((r) => r.status)).toEqual([401, 401]);
      expect(fresh.status).toBe(200);
      expect(sim.authCount).toBe(3);
    });
  });

  describe('listing', () => {
    it('lists the environments as a bare array', async () => {
      // Prepare
      const token = await login();

      // Act
      const response = await call('/environments', token);

      // Assess
      expect(await response.json()).toEqual([
        { id: 8755, game: 'DeltaSlot', name: 'Dev' },
        { id: 8756, game: 'DeltaSlot', name: 'Live' },
      ]);
    });

    it('pages campaigns by limit and page (from 0), across all environments, with extra fields', async () => {
      // Prepare
      const token = await login();

      // Act
      const pages = await Promise.all([0, 1, 2].map(async (page) => (await call(`/campaigns/event-triggered?limit=2&page=${page}`, token)).json()));

      // Assess
      expect(pages).toEqual([
        [CAMPAIGNS[0], CAMPAIGNS[1]],
        [CAMPAIGNS[2], CAMPAIGNS[3]],
        [CAMPAIGNS[4]],
      ]);
    });

    it('serves 100 campaigns a page by default and up to 1000 when asked', async () => {
      // Prepare
      const many = Array.from({ length: 1200 }, (_, i) => ({ id: 10_000 + i, name: `C${i}`, environment: 8756, status: 'ACTIVE' as const }));
      await start({ campaigns: many });
      const token = await login();

      // Act
      const byDefault = (await (await call('/campaigns/event-triggered', token)).json()) as unknown[];
      const large = (await (await call('/campaigns/event-triggered?limit=1000&page=1', token)).json()) as unknown[];
      const beyond = (await (await call('/campaigns/event-triggered?limit=1000&page=2', token)).json()) as unknown[];

      // Assess
      expect(byDefault).toHaveLength(100);
      expect(large).toHaveLength(200);
      expect(beyond).toEqual([]);
    });

    it.each(['limit=1001', 'limit=0', 'limit=abc', 'limit=-5', 'page=-1', 'page=1.5', 'limit=10&page=x'])(
      'answers 400 to the paging parameters %s',
      async (params) => {
        // Prepare
        const token = await login();

        // Act
        const response = await call(`/campaigns/event-triggered?${params}`, token);

        // Assess
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({ title: 'Bad Request', status: 400 });
      },
    );

    it('serves one campaign by id and answers 404 to an unknown one', async () => {
      // Prepare
      const token = await login();

      // Act
      const found = await call('/campaigns/event-triggered/1', token);
      const missing = await call('/campaigns/event-triggered/777', token);

      // Assess
      expect(await found.json()).toEqual(CAMPAIGNS[0]);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ title: 'Not Found', status: 404 });
    });

    it('keeps decision-point campaigns apart from event-triggered ones', async () => {
      // Prepare
      const token = await login();

      // Act
      const list = await (await call('/campaigns/decision-point', token)).json();
      const crossed = await call('/campaigns/event-triggered/90', token);

      // Assess
      expect(list).toEqual([{ id: 90, name: 'Shop', environment: 8756, status: 'ACTIVE' }]);
      expect(crossed.status).toBe(404);
    });
  });

  describe('pause and play', () => {
    it('pauses an ACTIVE campaign and plays it back to ACTIVE, answering 204', async () => {
      // Prepare
      const token = await login();

      // Act
      const paused = await call('/campaigns/event-triggered/1/pause', token, 'POST');
      const whilePaused = sim.campaign(1)?.status;
      const played = await call('/campaigns/event-triggered/1/play', token, 'POST');

      // Assess
      expect([paused.status, played.status]).toEqual([204, 204]);
      expect(whilePaused).toBe('PAUSED');
      expect(sim.campaign(1)).toEqual(CAMPAIGNS[0]);
    });

    it('plays a paused SCHEDULED campaign back to SCHEDULED', async () => {
      // Prepare
      const token = await login();
      await call('/campaigns/event-triggered/2/pause', token, 'POST');

      // Act
      await call('/campaigns/event-triggered/2/play', token, 'POST');

      // Assess
      expect(sim.campaign(2)?.status).toBe('SCHEDULED');
    });

    it.each([
      [34751, 'pause', 'Campaign 34751 is not finalised'],
      [4, 'pause', 'Campaign 4 is already paused'],
      [5, 'pause', 'Campaign 5 has completed and cannot be paused'],
      [34751, 'play', 'Campaign 34751 is not finalised'],
      [1, 'play', 'Campaign 1 is not paused'],
      [2, 'play', 'Campaign 2 is not paused'],
      [5, 'play', 'Campaign 5 has completed and cannot be played'],
    ])('refuses to change campaign %i with %s: "%s"', async (id, action, detail) => {
      // Prepare
      const token = await login();
      const before = sim.campaign(id);

      // Act
      const response = await call(`/campaigns/event-triggered/${id}/${action}`, token, 'POST');

      // Assess
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ title: 'Bad Request', status: 400, detail });
      expect(sim.campaign(id)).toEqual(before);
    });

    it('plays a campaign a person paused in the UI back to where it was', async () => {
      // Prepare
      const token = await login();
      sim.setStatus(2, 'PAUSED');

      // Act
      const response = await call('/campaigns/event-triggered/2/play', token, 'POST');

      // Assess
      expect(response.status).toBe(204);
      expect(sim.campaign(2)?.status).toBe('SCHEDULED');
    });

    it('answers 200 with the campaign when controlStatus is 200', async () => {
      // Prepare
      await start({ controlStatus: 200 });
      const token = await login();

      // Act
      const response = await call('/campaigns/event-triggered/1/pause', token, 'POST');

      // Assess
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ id: 1, status: 'PAUSED' });
    });

    it('pauses decision-point campaigns too, and answers 404 for an unknown id', async () => {
      // Prepare
      const token = await login();

      // Act
      const paused = await call('/campaigns/decision-point/90/pause', token, 'POST');
      const unknown = await call('/campaigns/decision-point/91/pause', token, 'POST');

      // Assess
      expect(paused.status).toBe(204);
      expect(sim.campaign(90, 'decision-point')?.status).toBe('PAUSED');
      expect(unknown.status).toBe(404);
    });

    it('lists campaigns added while running after the ones it had', async () => {
      // Prepare
      const token = await login();

      // Act
      sim.addCampaigns([{ id: 6, name: 'Late', environment: 8756, status: 'ACTIVE' }]);
      const list = (await (await call('/campaigns/event-triggered', token)).json()) as DeltaDnaCampaign[];

      // Assess
      expect(list.map((c) => c.id)).toEqual([1, 2, 34751, 4, 5, 6]);
      expect(() => sim.addCampaigns([{ id: 6, name: 'Twice', environment: 8756, status: 'ACTIVE' }])).toThrow(/duplicate/);
    });

    it('reports the most requests it saw in flight', async () => {
      // Prepare
      await start({ latencyMs: 60 });
      const token = await login();

      // Act
      await Promise.all([1, 2, 34751, 4].map(async (id) => (await call(`/campaigns/event-triggered/${id}`, token)).text()));

      // Assess
      expect(sim.maxInFlightSeen).toBe(4);
    });
  });
});
