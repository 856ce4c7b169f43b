import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOcambaSim } from '../../sim/ocamba.js';
import type { OcambaCampaign, OcambaSim, OcambaSimOptions } from '../../sim/ocamba.js';

const TOKEN = 'test-ocamba-token';
/** 250 ms into a second, 0.25 s into a minute: the second window resets in 1 s (rounded up), the minute one in 60 s. */
const T0 = Date.UTC(2026, 0, 1, 21, 0, 0) + 250;

const CAMPAIGNS: OcambaCampaign[] = [
  { id: '1000241', name: 'Welcome Series', labels: ['night-off'], status: 'running', send_strategy: 'immediately' },
  { id: '1000244', name: 'Weekend Deals', labels: ['night-off'], status: 'scheduled', scheduled_time: '2026-12-05 09:00:00' },
  { id: '1000245', name: 'Spring Launch', labels: [], status: 'draft' },
  { id: '1000246', name: 'Old Promo', labels: [], status: 'canceled' },
  { id: '1000247', name: 'Price Drop Alert', labels: [], status: 'paused' },
  { id: '1000248', name: 'Black Friday', description: 'BF', labels: ['night-off', 'promo'], status: 'running' },
];

describe('Simulator: ocamba', () => {
  let sim: OcambaSim;
  let now: number;

  async function start(overrides: Partial<OcambaSimOptions> = {}): Promise<OcambaSim> {
    await sim?.close();
    sim = await startOcambaSim({ token: TOKEN, campaigns: CAMPAIGNS, clock: () => now, ...overrides });
    return sim;
  }

  function call(path: string, init: { method?: string; body?: string; token?: string } = {}): Promise<Response> {
    return fetch(`${sim.url}/v1/hood${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${init.token ?? TOKEN}`, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
  }

  const pause = (id: string, body = '{"reason":"Overnight maintenance"}'): Promise<Response> =>
    call(`/campaigns/${id}/pause`, { method: 'POST', body });
  const resume = (id: string, body?: string): Promise<Response> =>
    call(`/campaigns/${id}/resume`, { method: 'POST', ...(body === undefined ? {} : { body }) });
  const rateHeaders = (response: Response): (string | null)[] =>
    ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'].map((name) => response.headers.get(name));

  beforeEach(async () => {
    now = T0;
    await start();
  });

  afterEach(async () => {
    await sim.close();
  });

  describe('authentication', () => {
    it('answers 401 in the vendor shape to a missing or wrong token, without using quota', async () => {
      // Prepare
      await start({ limits: { perSecond: 3 } });

      // Act
      const missing = await fetch(`${sim.url}/v1/hood/campaigns`);
      const wrong = await call('/campaigns', { token: 'not-the-token' });
      const right = await call('/campaigns');

      // Assess
      expect([missing.status, wrong.status]).toEqual([401, 401]);
      expect(await wrong.json()).toEqual({ code: 401, title: 'Unauthorized.', trace_id: expect.any(String) });
      expect(rateHeaders(wrong)).toEqual([null, null, null]);
      expect(rateHeaders(right)).toEqual(['3', '2', '1']);
      expect(sim.requests.map((r) => r.authorized)).toEqual([false, false, true]);
      expect(sim.requests[1]?.headers.authorization).toBe('Bearer ***');
    });
  });

  describe('listing', () => {
    it('lists in a {total, items} envelope, 20 a page by default', async () => {
      // Prepare
      const many = Array.from({ length: 25 }, (_, i) => ({ id: String(2_000_000 + i), name: `C${i}`, status: 'running' as const }));
      await start({ campaigns: many });

      // Act
      const body = (await (await call('/campaigns')).json()) as { total: number; items: OcambaCampaign[] };

      // Assess
      expect(body.total).toBe(25);
      expect(body.items).toHaveLength(20);
      expect(body.items[0]).toEqual(many[0]);
    });

    it('pages with page=N,M from page 1', async () => {
      // Prepare
      const pages = ['1,4', '2,4', '3,4'];

      // Act
      const bodies = await Promise.all(pages.map(async (page) => (await call(`/campaigns?page=${page}`)).json()));

      // Assess
      expect(bodies).toEqual([
        { total: 6, items: CAMPAIGNS.slice(0, 4) },
        { total: 6, items: CAMPAIGNS.slice(4, 6) },
        { total: 6, items: [] },
      ]);
    });

    it('serves at most 100 items a page whatever M asks for', async () => {
      // Prepare
      const many = Array.from({ length: 250 }, (_, i) => ({ id: String(3_000_000 + i), name: `C${i}`, status: 'running' as const }));
      await start({ campaigns: many });

      // Act
      const first = (await (await call('/campaigns?page=1,500')).json()) as { total: number; items: OcambaCampaign[] };
      const third = (await (await call('/campaigns?page=3,500')).json()) as { total: number; items: OcambaCampaign[] };

      // Assess
      expect(first.total).toBe(250);
      expect(first.items).toHaveLength(100);
      expect(third.items.map((c) => c.id)).toEqual(many.slice(200).map((c) => c.id));
    });

    it('filters by q on the name, case-insensitively, with total counting the matches', async () => {
      // Prepare
      const query = 'q=black';

      // Act
      const body = await (await call(`/campaigns?${query}`)).json();

      // Assess
      expect(body).toEqual({ total: 1, items: [CAMPAIGNS[5]] });
    });

    it.each(['0,10', '1,0', 'x', '1,', ',5', '-1,5'])('answers 400 to page=%s', async (page) => {
      // Prepare
      const path = `/campaigns?page=${page}`;

      // Act
      const response = await call(path);

      // Assess
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 400, title: 'Bad request.' });
    });

    it('serves one campaign in the same envelope and answers 400 to an unknown id', async () => {
      // Prepare
      const known = '1000248';

      // Act
      const found = await call(`/campaigns/${known}`);
      const unknown = await call('/campaigns/999');

      // Assess
      expect(await found.json()).toEqual({ total: 1, items: [CAMPAIGNS[5]] });
      expect(unknown.status).toBe(400);
      expect(await unknown.json()).toMatchObject({ code: 400, title: 'Bad request.', trace_id: expect.any(String) });
    });
  });

  describe('pause and resume', () => {
    it('pauses a running campaign with its reason and answers 204', async () => {
      // Prepare
      const id = '1000248';

      // Act
      const response = await pause(id);

      // Assess
      expect(response.status).toBe(204);
      expect(sim.campaign(id)).toMatchObject({ status: 'paused', pause_reason: 'Overnight maintenance' });
      expect(sim.requests[0]?.body).toEqual({ reason: 'Overnight maintenance' });
    });

    it.each(['1000245', '1000246', '1000247'])('refuses to pause campaign %s (draft, canceled, paused)', async (id) => {
      // Prepare
      const before = sim.campaign(id);

      // Act
      const response = await pause(id);

      // Assess
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        code: 400,
        title: 'Bad request.',
        message: "Only campaign in status 'running' or 'scheduled' can be paused.",
        trace_id: expect.any(String),
      });
      expect(sim.campaign(id)).toEqual(before);
    });

    it.each(['{"reason":', '', '[1]', '{"reason":42}'])('refuses the pause body %j as not valid', async (body) => {
      // Prepare
      const id = '1000241';

      // Act
      const response = await pause(id, body);

      // Assess
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ message: 'The request body is not valid.' });
      expect(sim.campaign(id)?.status).toBe('running');
    });

    it('resumes without a body to running or scheduled, whichever the campaign was, and drops the reason', async () => {
      // Prepare
      await pause('1000241');
      await pause('1000244');

      // Act
      const answers = [await resume('1000241'), await resume('1000244')];

      // Assess
      expect(answers.map((r) => r.status)).toEqual([204, 204]);
      expect(sim.campaign('1000241')?.status).toBe('running');
      expect(sim.campaign('1000241')).not.toHaveProperty('pause_reason');
      expect(sim.campaign('1000244')?.status).toBe('scheduled');
    });

    it('resumes a scheduled campaign at once with run_immediately, or at a new scheduled_time', async () => {
      // Prepare
      await pause('1000244');
      await pause('1000241');

      // Act
      const now1 = await resume('1000244', '{"run_immediately":1}');
      const later = await resume('1000241', '{"scheduled_time":"2026-12-24 18:00:00"}');

      // Assess
      expect([now1.status, later.status]).toEqual([204, 204]);
      expect(sim.campaign('1000244')?.status).toBe('running');
      expect(sim.campaign('1000241')).toMatchObject({ status: 'scheduled', scheduled_time: '2026-12-24 18:00:00' });
    });

    it.each([
      ['1000241', undefined, "Only campaign in status 'paused' can be resumed."],
      ['1000245', undefined, "Only campaign in status 'paused' can be resumed."],
      ['1000247', '{"run_immediately":1,"scheduled_time":"2026-12-24 18:00:00"}', 'Give either run_immediately or scheduled_time, not both.'],
      ['1000247', '{"scheduled_time":"tomorrow"}', "scheduled_time must look like 'YYYY-MM-DD HH:MM:SS'."],
      ['1000247', 'not json', 'The request body is not valid.'],
    ])('refuses to resume %s with body %s: %s', async (id, body, message) => {
      // Prepare
      const before = sim.campaign(id);

      // Act
      const response = await resume(id, body);

      // Assess
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 400, message });
      expect(sim.campaign(id)).toEqual(before);
    });

    it('resumes a campaign a person paused in the UI to where it was, and one paused before the simulator started to running', async () => {
      // Prepare
      sim.setStatus('1000244', 'paused');

      // Act
      await resume('1000244');
      await resume('1000247');

      // Assess
      expect(sim.campaign('1000244')?.status).toBe('scheduled');
      expect(sim.campaign('1000247')?.status).toBe('running');
    });

    it('answers 400 to pausing an unknown campaign', async () => {
      // Prepare
      const id = '42';

      // Act
      const response = await pause(id);

      // Assess
      expect(response.status).toBe(400);
    });
  });

  describe('rate limits', () => {
    it('answers 429 with Retry-After once the second window is full, and admits again in the next second', async () => {
      // Prepare
      await start({ limits: { perSecond: 3 } });

      // Act
      const within = [await call('/campaigns'), await call('/campaigns'), await call('/campaigns')];
      const over = await call('/campaigns');
      now = T0 + 750;
      const nextSecond = await call('/campaigns');

      // Assess
      expect(within.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(within.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0']);
      expect(over.status).toBe(429);
      expect(over.headers.get('retry-after')).toBe('1');
      expect(await over.json()).toEqual({ code: 429, title: 'Too many requests.', trace_id: expect.any(String) });
      expect(rateHeaders(over)).toEqual([null, null, null]);
      expect(nextSecond.status).toBe(200);
      expect(sim.throttledCount).toBe(1);
    });

    it('answers 429 until the minute window resets, with Retry-After in whole seconds to that reset', async () => {
      // Prepare
      await start({ limits: { perSecond: 10, perMinute: 5 } });
      for (let i = 0; i < 5; i += 1) await (await call('/campaigns')).text();

      // Act
      const over = await call('/campaigns');
      now = T0 + 20_000;
      const stillOver = await call('/campaigns');
      now = T0 + 59_750;
      const nextMinute = await call('/campaigns');

      // Assess
      expect(over.status).toBe(429);
      expect(over.headers.get('retry-after')).toBe('60');
      expect(stillOver.headers.get('retry-after')).toBe('40');
      expect(nextMinute.status).toBe(200);
    });

    it('describes the tighter window in the X-RateLimit headers', async () => {
      // Prepare
      const first = await call('/campaigns');

      // Act
      sim.useQuota(140);
      now = T0 + 1000;
      const afterOthers = await call('/campaigns');

      // Assess
      expect(rateHeaders(first)).toEqual(['10', '9', '1']);
      expect(rateHeaders(afterOthers)).toEqual(['150', '8', '59']);
    });

    it('on equal remaining quota, describes the window that resets later', async () => {
      // Prepare
      await start({ limits: { perSecond: 3, perMinute: 3 } });

      // Act
      const response = await call('/campaigns');

      // Assess
      expect(rateHeaders(response)).toEqual(['3', '2', '60']);
    });

    it('does not count refused requests against the windows', async () => {
      // Prepare
      await start({ limits: { perSecond: 2, perMinute: 4 } });
      await call('/campaigns');
      await call('/campaigns');
      const refused = await Promise.all([call('/campaigns'), call('/campaigns'), call('/campaigns')]);

      // Act
      now = T0 + 1000;
      const next = [await call('/campaigns'), await call('/campaigns'), await call('/campaigns')];

      // Assess
      expect(refused.map((r) => r.status)).toEqual([429, 429, 429]);
      expect(next.map((r) => r.status)).toEqual([200, 200, 429]);
      expect(rateHeaders(next[0] as Response)).toEqual(['4', '1', '59']);
      expect(rateHeaders(next[1] as Response)).toEqual(['4', '0', '59']);
      expect(next[2]?.headers.get('retry-after')).toBe('59');
    });

    it('counts errors such as unknown ids against the windows', async () => {
      // Prepare
      await start({ limits: { perSecond: 2 } });

      // Act
      const unknown = await call('/campaigns/nope');
      const list = await call('/campaigns');
      const over = await call('/campaigns');

      // Assess
      expect(rateHeaders(unknown)).toEqual(['2', '1', '1']);
      expect(list.status).toBe(200);
      expect(over.status).toBe(429);
    });

    it('counts useQuota from another process of the account', async () => {
      // Prepare
      await start({ limits: { perSecond: 3 } });

      // Act
      sim.useQuota(3);
      const response = await call('/campaigns');

      // Assess
      expect(response.status).toBe(429);
    });

    it('answers 429 with Retry-After -1 to more parallel requests than allowed', async () => {
      // Prepare
      await start({ limits: { inFlight: 2 }, latencyMs: 80 });

      // Act
      const answers = await Promise.all([call('/campaigns'), call('/campaigns'), call('/campaigns')]);

      // Assess
      const refused = answers.filter((r) => r.status === 429);
      expect(refused).toHaveLength(1);
      expect(refused[0]?.headers.get('retry-after')).toBe('-1');
      expect(sim.maxInFlightSeen).toBe(3);
      expect(sim.throttledCount).toBe(1);
    });

    it('does not give unauthenticated requests a parallel slot', async () => {
      // Prepare
      await start({ limits: { inFlight: 1 }, latencyMs: 80 });

      // Act
      const answers = await Promise.all([call('/campaigns', { token: 'wrong' }), call('/campaigns')]);

      // Assess
      expect(answers.map((r) => r.status)).toEqual([401, 200]);
    });
  });
});
