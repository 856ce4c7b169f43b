import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startKahunaSim } from '../../sim/kahuna.js';
import type { KahunaSim, KahunaSimOptions } from '../../sim/kahuna.js';

const SECRET_KEY = 'test-secret-key';
const API_KEY = 'test-api-key';
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0, 123);

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function populateBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    campaign_config: { campaign_id: 999, cred_type: 'email' },
    default_params: { k_send_ts: 1767225600, company: 'Acme' },
    recipient_list: [{ k_to: ['a@example.com', 'unknown-b@example.com'] }, { k_to: ['c@example.com'], department: 'writing' }],
    ...overrides,
  };
}

interface JobAnswer {
  job_id: string;
  status: string;
  total_users_requested: number;
  total_users_scheduled: number;
  total_users_not_found: number;
}

describe('Simulator: kahuna', () => {
  let sim: KahunaSim;
  let now: number;

  async function start(overrides: Partial<KahunaSimOptions> = {}): Promise<KahunaSim> {
    await sim?.close();
    sim = await startKahunaSim({
      secretKey: SECRET_KEY,
      apiKey: API_KEY,
      campaignIds: [999, 1001],
      notFound: (credential) => credential.startsWith('unknown'),
      clock: () => now,
      ...overrides,
    });
    return sim;
  }

  function populate(body: unknown, init: { env?: string | null; auth?: string; method?: string } = {}): Promise<Response> {
    const env = init.env === undefined ? '?env=s' : init.env === null ? '' : `?env=${init.env}`;
    const method = init.method ?? 'POST';
    return fetch(`${sim.url}/api/campaign/populate${env}`, {
      method,
      headers: { authorization: init.auth ?? basic(SECRET_KEY, API_KEY), 'content-type': 'application/json' },
      ...(method === 'GET' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  }

  function jobStatus(id: string, env = 's'): Promise<Response> {
    return fetch(`${sim.url}/api/campaign/populate/${id}?env=${env}`, { headers: { authorization: basic(SECRET_KEY, API_KEY) } });
  }

  beforeEach(async () => {
    now = T0;
    await start();
  });

  afterEach(async () => {
    await sim.close();
  });

  describe('populate', () => {
    it('accepts a valid request and answers with a PENDING job and the request repeated', async () => {
      // Prepare
      const body = populateBody();

      // Act
      const response = await populate(body);

      // Assess
      expect(response.status).toBe(200);
      const answer = (await response.json()) as JobAnswer;
      expect(answer).toEqual({
        job_id: expect.stringMatching(/^\d{16}$/),
        created: '2026-01-01T12:00:00.123000',
        status: 'PENDING',
        campaign_id: 999,
        cred_type: 'email',
        observe_rate_limiting: true,
        target_global_control: false,
        total_users_requested: 3,
        total_users_scheduled: 0,
        total_users_not_found: 0,
      });
      expect(sim.jobs).toEqual([
        expect.objectContaining({ id: answer.job_id, env: 's', campaignId: 999, recipients: 2, usersRequested: 3, usersNotFound: 1, createdAt: T0 }),
      ]);
      expect(sim.jobs[0]?.bodyBytes).toBe(JSON.stringify(body).length);
      expect(sim.requests[0]?.headers.authorization).toBe('Basic ***');
      expect(sim.requests[0]?.body).toEqual(body);
    });

    it('repeats observe_rate_limiting and target_global_control as sent', async () => {
      // Prepare
      const body = populateBody({
        campaign_config: { campaign_id: 1001, cred_type: 'user_id', observe_rate_limiting: false, target_global_control: true },
      });

      // Act
      const answer = await (await populate(body)).json();

      // Assess
      expect(answer).toMatchObject({ campaign_id: 1001, cred_type: 'user_id', observe_rate_limiting: false, target_global_control: true });
    });

    it.each([
      ['no env', null],
      ['an unknown env', 'x'],
    ])('answers 401 to a request with %s', async (_case, env) => {
      // Prepare
      const body = populateBody();

      // Act
      const response = await populate(body, { env });

      // Assess
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ success: false, error_code: 401, error_detail: expect.stringContaining('env=') });
      expect(sim.jobs).toHaveLength(0);
    });

    it.each([
      ['wrong API key', basic(SECRET_KEY, 'nope')],
      ['unknown secret key', basic('nope', API_KEY)],
      ['a bearer token', 'Bearer abc'],
      ['garbage', 'Basic !!!'],
    ])('answers 401 to %s', async (_case, auth) => {
      // Prepare
      const body = populateBody();

      // Act
      const response = await populate(body, { auth });

      // Assess
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ success: false, error: 'Unauthorized', error_code: 401 });
      expect(sim.requests[0]?.authorized).toBe(false);
    });

    it('answers 400 to a populate that is not a POST', async () => {
      // Prepare
      const body = undefined;

      // Act
      const response = await populate(body, { method: 'GET' });

      // Assess
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ success: false, error_code: 400 });
    });

    it('answers 409 to valid credentials of a namespace without the permission, and 401 still to bad ones', async () => {
      // Prepare
      await start({ deniedNamespace: true });

      // Act
      const denied = await populate(populateBody());
      const bad = await populate(populateBody(), { auth: basic('x', 'y') });

      // Assess
      expect(denied.status).toBe(409);
      expect(await denied.json()).toMatchObject({ success: false, error_code: 409 });
      expect(bad.status).toBe(401);
    });

    it.each([
      ['not JSON', '{"campaign_config":', 'not valid JSON'],
      ['empty', '', 'no JSON body'],
      ['an array', '[]', 'must be a JSON object'],
      ['missing campaign_config', { recipient_list: [{ k_to: ['a'] }] }, 'campaign_config is required'],
      ['a string campaign_id', populateBody({ campaign_config: { campaign_id: '999', cred_type: 'email' } }), 'campaign_id is required and must be an integer'],
      ['an unknown campaign_id', populateBody({ campaign_config: { campaign_id: 5, cred_type: 'email' } }), 'campaign_id 5 is not an existing adaptive campaign'],
      ['a cred_type off the white list', populateBody({ campaign_config: { campaign_id: 999, cred_type: 'phone' } }), 'cred_type "phone" is not a white-listed credential'],
      ['a non-boolean observe_rate_limiting', populateBody({ campaign_config: { campaign_id: 999, cred_type: 'email', observe_rate_limiting: 'no' } }), 'observe_rate_limiting must be a boolean'],
      ['no recipient_list', populateBody({ recipient_list: undefined }), 'recipient_list is required'],
      ['an empty recipient_list', populateBody({ recipient_list: [] }), 'recipient_list is required and must be a non-empty array'],
      ['a recipient that is not an object', populateBody({ recipient_list: [{ k_to: ['a'] }, 'b'] }), 'recipient_list[1] must be an object'],
      ['a k_to that is a string', populateBody({ recipient_list: [{ k_to: 'a@example.com' }] }), 'recipient_list[0].k_to is required and must be a non-empty array'],
      ['a k_to holding a number', populateBody({ recipient_list: [{ k_to: ['a', 42] }] }), 'recipient_list[0].k_to must be an array of strings'],
      ['a k_send_ts as a string', populateBody({ recipient_list: [{ k_to: ['a'], k_send_ts: '1767225600' }] }), 'recipient_list[0].k_send_ts must be an integer'],
      ['a fractional default k_send_ts', populateBody({ default_params: { k_send_ts: 1767225600.5 } }), 'default_params.k_send_ts must be an integer'],
      ['default_params that are not an object', populateBody({ default_params: [1] }), 'default_params must be an object'],
    ])('answers 400 to a body with %s, naming the problem', async (_case, body, detail) => {
      // Prepare
      const payload = typeof body === 'string' ? body : JSON.stringify(body);

      // Act
      const response = await populate(payload);

      // Assess
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { success: boolean; error_code: number; error_detail: string };
      expect(answer).toMatchObject({ success: false, error_code: 400 });
      expect(answer.error_detail).toContain(detail);
      expect(sim.jobs).toHaveLength(0);
    });

    it('answers 413 to a body of maxBodyBytes or more, and accepts one a byte smaller', async () => {
      // Prepare
      await start({ maxBodyBytes: 2000 });
      const padded = (size: number): string => {
        const base = JSON.stringify(populateBody({ note: '' }));
        return JSON.stringify(populateBody({ note: 'x'.repeat(size - base.length) }));
      };

      // Act
      const atLimit = await populate(padded(2000));
      const below = await populate(padded(1999));

      // Assess
      expect(atLimit.status).toBe(413);
      expect(await atLimit.json()).toEqual({
        success: false,
        error: 'Request entity too large',
        error_code: 413,
        error_detail: expect.stringContaining('2000'),
      });
      expect(below.status).toBe(200);
    });

    it('answers 413 to a streamed body once it reaches the limit, without reading it all', async () => {
      // Prepare
      await start({ maxBodyBytes: 4096 });
      let chunks = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          chunks += 1;
          if (chunks > 256) controller.close();
          else controller.enqueue(new TextEncoder().encode(' '.repeat(1024)));
        },
      });

      // Act
      const response = await fetch(`${sim.url}/api/campaign/populate?env=p`, {
        method: 'POST',
        headers: { authorization: basic(SECRET_KEY, API_KEY) },
        body,
        duplex: 'half',
      } as RequestInit);

      // Assess
      expect(response.status).toBe(413);
      expect(sim.requests[0]?.bodyBytes).toBeGreaterThanOrEqual(4096);
      expect(sim.requests[0]?.body).toBeUndefined();
    });

    it('answers 429 in the error shape to more populate requests in flight than allowed', async () => {
      // Prepare
      await start({ maxInFlight: 2, latencyMs: 80 });

      // Act
      const answers = await Promise.all([1, 2, 3].map(() => populate(populateBody())));

      // Assess
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 429]);
      const refused = answers.find((r) => r.status === 429);
      expect(await refused?.json()).toMatchObject({ success: false, error_code: 429 });
      expect(sim.maxInFlightSeen).toBe(3);
      expect(sim.throttledCount).toBe(1);
      expect(sim.jobs).toHaveLength(2);
    });

    it('does not count Job Status calls as populate requests in flight', async () => {
      // Prepare
      await start({ maxInFlight: 1, latencyMs: 80 });
      const { job_id: id } = (await (await populate(populateBody())).json()) as JobAnswer;

      // Act
      const answers = await Promise.all([jobStatus(id), jobStatus(id), populate(populateBody())]);

      // Assess
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(sim.maxInFlightSeen).toBe(1);
    });

    it('keeps no populate bodies when recordBodies is off', async () => {
      // Prepare
      await start({ recordBodies: false });

      // Act
      await populate(populateBody());

      // Assess
      expect(sim.requests[0]?.body).toBeUndefined();
      expect(sim.requests[0]?.bodyBytes).toBeGreaterThan(0);
      expect(sim.jobs).toHaveLength(1);
    });
  });

  describe('job status', () => {
    async function createJob(env = 's'): Promise<string> {
      const response = await populate(populateBody(), { env });
      return ((await response.json()) as JobAnswer).job_id;
    }

    it('moves a job PENDING -> RUNNING -> DONE with time, reporting the counts once DONE', async () => {
      // Prepare
      const id = await createJob();

      // Act
      const seen: JobAnswer[] = [];
      for (const at of [0, 99, 100, 399, 400]) {
        now = T0 + at;
        seen.push((await (await jobStatus(id)).json()) as JobAnswer);
      }

      // Assess
      expect(seen.map((answer) => answer.status)).toEqual(['PENDING', 'PENDING', 'RUNNING', 'RUNNING', 'DONE']);
      expect(seen[3]).toMatchObject({ total_users_requested: 3, total_users_scheduled: 0, total_users_not_found: 0 });
      expect(seen[4]).toMatchObject({
        job_id: id,
        campaign_id: 999,
        cred_type: 'email',
        total_users_requested: 3,
        total_users_scheduled: 2,
        total_users_not_found: 1,
      });
      expect(sim.job(id)).toMatchObject({ polls: 5, lastPolledAt: T0 + 400 });
    });

    it('follows the configured job timing', async () => {
      // Prepare
      await start({ jobTiming: { pendingMs: 0, runningMs: 1000 } });
      const id = await createJob();

      // Act
      const atOnce = (await (await jobStatus(id)).json()) as JobAnswer;
      now = T0 + 1000;
      const later = (await (await jobStatus(id)).json()) as JobAnswer;

      // Assess
      expect(atOnce.status).toBe('RUNNING');
      expect(later.status).toBe('DONE');
    });

    it('ends every job FAILED with failJobs, or those a predicate picks', async () => {
      // Prepare
      await start({ failJobs: (job) => job.campaignId === 1001 });
      const ok = await createJob();
      const failing = ((await (await populate(populateBody({ campaign_config: { campaign_id: 1001, cred_type: 'email' } }))).json()) as JobAnswer)
        .job_id;
      now = T0 + 10_000;

      // Act
      const answers = (await Promise.all([jobStatus(ok), jobStatus(failing)].map(async (r) => (await r).json()))) as JobAnswer[];

      // Assess
      expect(answers.map((answer) => answer.status)).toEqual(['DONE', 'FAILED']);
      expect(answers[1]).toMatchObject({ total_users_scheduled: 0, total_users_not_found: 0 });
      expect(sim.job(failing)?.failed).toBe(true);
    });

    it('fails all jobs when failJobs is true', async () => {
      // Prepare
      await start({ failJobs: true });
      const id = await createJob();
      now = T0 + 10_000;

      // Act
      const answer = (await (await jobStatus(id)).json()) as JobAnswer;

      // Assess
      expect(answer.status).toBe('FAILED');
    });

    it('answers 400 to an unknown job id and to a job asked for in the other env', async () => {
      // Prepare
      const id = await createJob('p');

      // Act
      const otherEnv = await jobStatus(id, 's');
      const unknown = await jobStatus('1234', 'p');
      const right = await jobStatus(id, 'p');

      // Assess
      expect([otherEnv.status, unknown.status, right.status]).toEqual([400, 400, 200]);
      expect(await unknown.json()).toMatchObject({ success: false, error_code: 400, error_detail: expect.stringContaining('1234') });
    });

    it('answers 401 to a Job Status call without env or with bad credentials', async () => {
      // Prepare
      const id = await createJob();

      // Act
      const noEnv = await fetch(`${sim.url}/api/campaign/populate/${id}`, { headers: { authorization: basic(SECRET_KEY, API_KEY) } });
      const badAuth = await fetch(`${sim.url}/api/campaign/populate/${id}?env=s`, { headers: { authorization: basic(SECRET_KEY, 'x') } });

      // Assess
      expect([noEnv.status, badAuth.status]).toEqual([401, 401]);
    });
  });
});
