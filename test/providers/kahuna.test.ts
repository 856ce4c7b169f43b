import { afterEach, describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidRequestError, VendorError } from '../../functions/core/errors.js';
import { runPopulate, type PopulateOptions } from '../../functions/core/populate.js';
import { parsePopulateRequest } from '../../functions/core/populate-request.js';
import { exitCodeOfPopulate, type PopulateResult } from '../../functions/core/populate-result.js';
import { fromJsonLines, type RecipientItem } from '../../functions/core/recipients.js';
import { WindowedLimiter } from '../../functions/core/rate-limiter.js';
import { KahunaClient, parseKahunaCredentials, type KahunaOptions } from '../../functions/providers/kahuna.js';
import { startKahunaSim, type KahunaSim, type KahunaSimOptions } from '../../sim/kahuna.js';

const SECRET_KEY = 'sk-kahuna-test-secret-value';
const API_KEY = 'ak-kahuna-test-api-value';
const CAMPAIGN_ID = 999;
const FAST_RETRY = { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 40 };
/** Jobs move PENDING -> RUNNING -> DONE within ~60 ms; the run reads them every 20 ms. */
const FAST_JOBS = { pendingMs: 20, runningMs: 40 };
const FAST_POLL: PopulateOptions = { pollIntervalMs: 20, maxWaitMs: 5_000 };

let sim: KahunaSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const startSim = async (options: Partial<KahunaSimOptions> = {}): Promise<KahunaSim> => {
  sim = await startKahunaSim({ secretKey: SECRET_KEY, apiKey: API_KEY, campaignIds: [CAMPAIGN_ID], jobTiming: FAST_JOBS, ...options });
  return sim;
};

/** A fresh limiter per client: the process-wide one of the account would carry state between tests. */
const clientFor = (s: KahunaSim, options: Partial<KahunaOptions> = {}): KahunaClient =>
  new KahunaClient({
    credentials: { secretKey: SECRET_KEY, apiKey: API_KEY, baseUrl: s.url },
    limiter: new WindowedLimiter({ maxInFlight: 10 }),
    retry: FAST_RETRY,
    ...options,
  });

const baseRequest = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  provider: 'kahuna',
  secret: 'campaign-ops/kahuna-test',
  env: 's',
  campaign_config: { campaign_id: CAMPAIGN_ID, cred_type: 'email' },
  ...extra,
});

const people = (count: number, from = 0): Record<string, unknown>[] =>
  Array.from({ length: count }, (_, i) => ({ k_to: [`user-${String(from + i).padStart(6, '0')}@example.com`] }));

/** Parses and runs a request the way a handler does. */
const populate = async (
  s: KahunaSim,
  input: Record<string, unknown>,
  options: PopulateOptions = {},
  clientOptions: Partial<KahunaOptions> = {},
): Promise<PopulateResult> =>
  runPopulate(parsePopulateRequest(input, { allowFile: true }), { client: clientFor(s, clientOptions), ...FAST_POLL, ...options });

const populateCalls = (s: KahunaSim) => s.requests.filter((r) => r.method === 'POST' && r.path === '/api/campaign/populate');
const statusCalls = (s: KahunaSim) => s.requests.filter((r) => r.method === 'GET');

/** The k_to values the simulator received, in recipient order (bodies sorted by their first recipient). */
const receivedInOrder = (s: KahunaSim): string[] =>
  populateCalls(s)
    .filter((r) => r.status === 200)
    .map((r) => ((r.body as { recipient_list: { k_to: string[] }[] }).recipient_list).flatMap((x) => x.k_to))
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1))
    .flat();

const issuesOf = async (action: () => Promise<unknown>): Promise<{ field: string; problem: string }[]> => {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return [...(error as InvalidRequestError).issues];
  }
  throw new Error('expected an InvalidRequestError');
};

async function* chunked(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('Provider: kahuna', () => {
  describe('credentials', () => {
    it('reads secretKey and apiKey, defaulting the base URL to the vendor host', () => {
      // Act
      const credentials = parseKahunaCredentials('campaign-ops/kahuna', JSON.stringify({ secretKey: SECRET_KEY, apiKey: API_KEY }));

      // Assess
      expect(credentials).toEqual({ secretKey: SECRET_KEY, apiKey: API_KEY, baseUrl: 'https://tap-nexus.appspot.com' });
    });

    it('names the secret and each bad field, never a value', () => {
      // Prepare
      const secret = JSON.stringify({ secretKey: SECRET_KEY, baseUrl: 'http://tap-nexus.example.com' });

      // Act
      const error = (() => {
        try {
          parseKahunaCredentials('campaign-ops/kahuna', secret);
        } catch (caught) {
          return caught as Error;
        }
        throw new Error('expected a ConfigurationError');
      })();

      // Assess
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.message).toContain('campaign-ops/kahuna');
      expect(error.message).toContain('apiKey');
      expect(error.message).toContain('baseUrl');
      expect(error.message).not.toContain(SECRET_KEY);
    });

    it('refuses a value that is not JSON without echoing it', () => {
      // Act / Assess
      expect(() => parseKahunaCredentials('campaign-ops/kahuna', `{"secretKey": "${SECRET_KEY}"`)).toThrow(ConfigurationError);
      expect(() => parseKahunaCredentials('campaign-ops/kahuna', `{"secretKey": "${SECRET_KEY}"`)).not.toThrow(SECRET_KEY);
      expect(() => parseKahunaCredentials('k', JSON.stringify({ secretKey: 'a:b', apiKey: API_KEY }))).toThrow(/secretKey: must not contain ":"/);
    });

    it('accepts loopback http for the simulator', () => {
      // Act
      const credentials = parseKahunaCredentials('k', JSON.stringify({ secretKey: SECRET_KEY, apiKey: API_KEY, baseUrl: 'http://127.0.0.1:8080/' }));

      // Assess
      expect(credentials.baseUrl).toBe('http://127.0.0.1:8080');
    });
  });

  describe('validation before sending: each bad recipient is named by index and field, and nothing is sent', () => {
    const cases: { name: string; recipient: unknown; field: string; problem: RegExp; request?: Record<string, unknown> }[] = [
      { name: 'not an object', recipient: 'a@example.com', field: 'recipient_list[1]', problem: /must be an object/ },
      { name: 'no k_to', recipient: { department: 'writing' }, field: 'recipient_list[1].k_to', problem: /is required/ },
      { name: 'k_to not an array', recipient: { k_to: 'a@example.com' }, field: 'recipient_list[1].k_to', problem: /must be an array/ },
      { name: 'k_to empty', recipient: { k_to: [] }, field: 'recipient_list[1].k_to', problem: /at least one/ },
      { name: 'k_to value empty', recipient: { k_to: ['a@example.com', ''] }, field: 'recipient_list[1].k_to[1]', problem: /must be a non-empty string/ },
      { name: 'k_to value a number', recipient: { k_to: [42] }, field: 'recipient_list[1].k_to[0]', problem: /must be a non-empty string, got a number/ },
      { name: 'k_send_ts fractional', recipient: { k_to: ['a'], k_send_ts: 1767225600.5 }, field: 'recipient_list[1].k_send_ts', problem: /integer/ },
      { name: 'k_send_ts a string', recipient: { k_to: ['a'], k_send_ts: '1767225600' }, field: 'recipient_list[1].k_send_ts', problem: /integer/ },
      { name: 'k_send_ts in milliseconds', recipient: { k_to: ['a'], k_send_ts: 1767225600000 }, field: 'recipient_list[1].k_send_ts', problem: /milliseconds/ },
      { name: 'extra parameter a boolean', recipient: { k_to: ['a'], vip: true }, field: 'recipient_list[1].vip', problem: /string or a number/ },
      { name: 'extra parameter an object', recipient: { k_to: ['a'], events: [{ name: 'x' }] }, field: 'recipient_list[1].events', problem: /string or a number/ },
      {
        name: 'extra parameters over 235 characters',
        recipient: { k_to: ['a'], note: 'x'.repeat(232) },
        field: 'recipient_list[1]',
        problem: /236 characters .* over the limit of 235/,
      },
      {
        name: 'extra parameters over the limit with default_params merged in',
        recipient: { k_to: ['a'], department: 'writing' },
        field: 'recipient_list[1]',
        problem: /over the limit of 40/,
        request: { default_params: { company: 'Acme Steam Engine, Inc.' }, maxExtraParamChars: 40 },
      },
    ];

    for (const c of cases) {
      it(`rejects a recipient: ${c.name}`, async () => {
        // Prepare
        const s = await startSim();
        const input = baseRequest({ recipient_list: [{ k_to: ['ok@example.com'] }, c.recipient, { k_to: ['ok2@example.com'] }], ...c.request });

        // Act
        const issues = await issuesOf(() => populate(s, input));

        // Assess
        expect(issues).toContainEqual({ field: c.field, problem: expect.stringMatching(c.problem) });
        expect(s.requests).toEqual([]);
      });
    }

    it('counts keys plus values once when a recipient overrides a default, and 235 characters exactly pass', async () => {
      // Prepare: default "company" (7 + 4) is replaced by the recipient's (7 + 223): 230, plus "d" + "1234" = 235.
      const s = await startSim();
      const input = baseRequest({
        default_params: { company: 'Acme' },
        recipient_list: [{ k_to: ['a@example.com'], company: 'c'.repeat(223), d: 1234 }],
      });

      // Act
      const result = await populate(s, input);

      // Assess
      expect(result.summary).toMatchObject({ valid: 1, invalid: 0, jobsDone: 1 });
    });

    it('rejects a request-level mistake with every problem at once', async () => {
      // Prepare
      const s = await startSim();
      const input = {
        provider: 'kahuna',
        secret: 'campaign-ops/kahuna-test',
        campaign_config: { campaign_id: -3, cred_type: 'phone', observe_rate_limiting: 'no' },
        default_params: { k_send_ts: 'tomorrow' },
        recipient_list: people(2),
        dryrun: true,
      };

      // Act
      const issues = await issuesOf(() => populate(s, input));

      // Assess
      expect(issues.map((i) => i.field)).toEqual(
        expect.arrayContaining([
          'env',
          'campaign_config.campaign_id',
          'campaign_config.cred_type',
          'campaign_config.observe_rate_limiting',
          'default_params.k_send_ts',
          'dryrun',
        ]),
      );
      expect(issues.find((i) => i.field === 'env')?.problem).toMatch(/"p" \(production\) or "s" \(sandbox\)/);
      expect(s.requests).toEqual([]);
    });

    it('lists the first 50 problems of a long bad list and counts the rest', async () => {
      // Prepare
      const s = await startSim();
      const input = baseRequest({ recipient_list: Array.from({ length: 80 }, () => ({ k_to: [''] })) });

      // Act
      const issues = await issuesOf(() => populate(s, input));

      // Assess
      expect(issues).toHaveLength(51);
      expect(issues[0]).toEqual({ field: 'recipient_list[0].k_to[0]', problem: expect.stringMatching(/non-empty string/) });
      expect(issues[50]).toEqual({ field: 'recipient_list', problem: expect.stringMatching(/and 30 more problems/) });
      expect(s.requests).toEqual([]);
    });

    it('rejects a recipient too large for any request body', async () => {
      // Prepare
      const s = await startSim();
      const input = baseRequest({ recipient_list: [...people(3), { k_to: Array.from({ length: 100 }, (_, i) => `big-${i}@example.com`) }], maxExtraParamChars: 235 });

      // Act
      const issues = await issuesOf(() => populate(s, input, { maxBodyBytes: 1_000 }));

      // Assess
      expect(issues).toEqual([{ field: 'recipient_list[3]', problem: expect.stringMatching(/too large for any request.*under 1000/) }]);
      expect(s.requests).toEqual([]);
    });
  });

  describe('populate', () => {
    it('sends one request with BasicAuth and env, and follows the job to DONE', async () => {
      // Prepare
      const s = await startSim();
      const input = baseRequest({
        campaign_config: { campaign_id: CAMPAIGN_ID, cred_type: 'email', observe_rate_limiting: false },
        default_params: { k_send_ts: 1767225600, company: 'Acme Steam Engine, Inc.' },
        recipient_list: [
          { k_to: ['sclemens@example.com'], company: 'Excelsior Typewriter Co.', department: 'President' },
          { k_to: ['edickinson@example.com'], department: 'writing', k_send_ts: 1767229200 },
        ],
      });

      // Act
      const result = await populate(s, input, { runId: 'run-1' });

      // Assess
      const [post] = populateCalls(s);
      expect(post).toMatchObject({ query: { env: 's' }, status: 200, headers: { authorization: 'Basic ***', 'content-type': 'application/json' } });
      expect(post?.body).toEqual({
        campaign_config: { campaign_id: CAMPAIGN_ID, cred_type: 'email', observe_rate_limiting: false },
        default_params: { k_send_ts: 1767225600, company: 'Acme Steam Engine, Inc.' },
        recipient_list: (input.recipient_list as unknown[]),
      });
      expect(result).toMatchObject({
        action: 'populate',
        provider: 'kahuna',
        env: 's',
        campaignId: CAMPAIGN_ID,
        source: 'recipient_list',
        dryRun: false,
        runId: 'run-1',
        summary: { recipients: 2, valid: 2, invalid: 0, requests: 1, submitted: 1, failedRequests: 0, jobsDone: 1, jobsFailed: 0, usersRequested: 2, usersScheduled: 2, usersNotFound: 0 },
        invalidRecipients: [],
      });
      expect(result.requests[0]).toMatchObject({ index: 0, firstRecipient: 0, lastRecipient: 1, recipients: 2, status: 'DONE', bytes: post?.bodyBytes });
      expect(result.requests[0]?.jobId).toBe(s.jobs[0]?.id);
      expect(statusCalls(s).every((r) => r.query.env === 's' && r.path === `/api/campaign/populate/${s.jobs[0]?.id}`)).toBe(true);
      expect(exitCodeOfPopulate(result)).toBe(0);
    });

    it('polls each job no more often than the interval', async () => {
      // Prepare
      const s = await startSim({ jobTiming: { pendingMs: 100, runningMs: 150 } });

      // Act
      const result = await populate(s, baseRequest({ recipient_list: people(3) }), { pollIntervalMs: 60 });

      // Assess
      const polls = statusCalls(s).map((r) => r.startedAt);
      expect(result.requests[0]?.status).toBe('DONE');
      expect(polls.length).toBeGreaterThanOrEqual(3);
      for (let i = 1; i < polls.length; i += 1) expect(polls[i]! - polls[i - 1]!).toBeGreaterThanOrEqual(55);
    });

    it('does not follow jobs when wait is false, and says so', async () => {
      // Prepare
      const s = await startSim({ jobTiming: { pendingMs: 10_000, runningMs: 10 } });

      // Act
      const result = await populate(s, baseRequest({ recipient_list: people(3), wait: false }));

      // Assess
      expect(statusCalls(s)).toEqual([]);
      expect(result.requests[0]).toMatchObject({ status: 'PENDING', detail: expect.stringMatching(/not followed \(wait: false\)/) });
      expect(exitCodeOfPopulate(result)).toBe(0);
    });

    it('stops following a job after maxWaitMs and says it is still running', async () => {
      // Prepare
      const s = await startSim({ jobTiming: { pendingMs: 10_000, runningMs: 10 } });

      // Act
      const result = await populate(s, baseRequest({ recipient_list: people(1) }), { pollIntervalMs: 20, maxWaitMs: 100 });

      // Assess
      expect(result.requests[0]).toMatchObject({ status: 'PENDING', detail: expect.stringMatching(/still PENDING after following it/) });
    });

    it('splits many recipients into requests each under the body limit, all sent once and in order', async () => {
      // Prepare
      const s = await startSim();
      const list = people(600);

      // Act
      const result = await populate(s, baseRequest({ default_params: { company: 'Acme' }, recipient_list: list }), { maxBodyBytes: 4_096 });

      // Assess
      const posts = populateCalls(s);
      expect(posts.length).toBeGreaterThan(5);
      expect(posts.length).toBe(result.requests.length);
      for (const post of posts) expect(post.bodyBytes).toBeLessThan(4_096);
      expect(result.requests.map((r) => r.bytes).sort()).toEqual(posts.map((p) => p.bodyBytes).sort());
      expect(receivedInOrder(s)).toEqual(list.map((r) => (r.k_to as string[])[0]));
      // Consecutive ranges: request i+1 starts where request i ended.
      result.requests.forEach((r, i) => {
        if (i > 0) expect(r.firstRecipient).toBe(result.requests[i - 1]!.lastRecipient + 1);
      });
      expect(result.summary).toMatchObject({ recipients: 600, valid: 600, submitted: posts.length, jobsDone: posts.length, usersRequested: 600 });
    });

    it('puts at most maxRecipientsPerRequest recipients in a request', async () => {
      // Prepare
      const s = await startSim();

      // Act
      const result = await populate(s, baseRequest({ recipient_list: people(250) }), { maxRecipientsPerRequest: 100 });

      // Assess
      expect(result.requests.map((r) => [r.firstRecipient, r.lastRecipient, r.recipients])).toEqual([
        [0, 99, 100],
        [100, 199, 100],
        [200, 249, 50],
      ]);
    });

    it('keeps at most the configured number of requests in flight', async () => {
      // Prepare
      const s = await startSim({ latencyMs: 40 });

      // Act
      const result = await populate(s, baseRequest({ recipient_list: people(200) }), { maxRecipientsPerRequest: 5, maxInFlight: 4, pollIntervalMs: 10 });

      // Assess
      expect(result.summary.submitted).toBe(40);
      expect(s.maxInFlightSeen).toBeLessThanOrEqual(4);
      expect(s.maxInFlightSeen).toBeGreaterThanOrEqual(3);
    });

    it('runs 10 at once against the vendor limit of 10 without a 429, even with a client allowing fewer', async () => {
      // Prepare
      const s = await startSim({ latencyMs: 30 });

      // Act
      const result = await populate(s, baseRequest({ recipient_list: people(300) }), { maxRecipientsPerRequest: 10, pollIntervalMs: 10 });
      const capped = await startKahunaSim({ secretKey: SECRET_KEY, apiKey: API_KEY, campaignIds: [CAMPAIGN_ID], jobTiming: FAST_JOBS, latencyMs: 30 });
      try {
        const cappedResult = await populate(capped, baseRequest({ recipient_list: people(100) }), { maxRecipientsPerRequest: 10, pollIntervalMs: 10 }, { maxInFlight: 3 });
        expect(cappedResult.summary.jobsDone).toBe(10);
        expect(capped.maxInFlightSeen).toBeLessThanOrEqual(3);
      } finally {
        await capped.close();
      }

      // Assess
      expect(result.summary.jobsDone).toBe(30);
      expect(s.maxInFlightSeen).toBeLessThanOrEqual(10);
      expect(s.maxInFlightSeen).toBeGreaterThanOrEqual(8);
      expect(s.throttledCount).toBe(0);
    });

    it('reads the recipient stream no further ahead than maxInFlight + 1 bodies', async () => {
      // Prepare
      const s = await startSim({ latencyMs: 30 });
      let pulled = 0;
      let worstAhead = 0;
      const acknowledged = (): number => populateCalls(s).filter((r) => r.status === 200).length * 10;
      async function* source(): AsyncGenerator<RecipientItem> {
        for (let line = 1; line <= 400; line += 1) {
          pulled += 1;
          worstAhead = Math.max(worstAhead, pulled - acknowledged());
          yield { line, value: { k_to: [`user-${line}@example.com`] } };
        }
      }
      const request = parsePopulateRequest(baseRequest({ recipients: { s3: 's3://bucket/users.jsonl' } }), { allowFile: false });

      // Act
      const result = await runPopulate(request, {
        client: clientFor(s),
        recipients: source(),
        maxInFlight: 2,
        maxRecipientsPerRequest: 10,
        ...FAST_POLL,
      });

      // Assess: 2 bodies in flight + 1 built and waiting for a slot + the one being filled, 10 recipients each.
      expect(result.summary.jobsDone).toBe(40);
      expect(worstAhead).toBeLessThanOrEqual(4 * 10);
    });

    it('retries a populate the vendor throttled with 429', async () => {
      // Prepare
      const s = await startSim();
      s.inject({ method: 'POST', path: '/api/campaign/populate', times: 2, fault: { status: 429 } });

      // Act
      const result = await populate(s, baseRequest({ recipient_list: people(3) }));

      // Assess
      expect(populateCalls(s).map((r) => r.status)).toEqual([429, 429, 200]);
      expect(result.requests[0]?.status).toBe('DONE');
      expect(s.jobs).toHaveLength(1);
      expect(exitCodeOfPopulate(result)).toBe(0);
    });

    it('never re-sends a populate after a reset (the job may exist), and says so', async () => {
      // Prepare
      const s = await startSim();
      s.inject({ method: 'POST', path: '/api/campaign/populate', times: 1, fault: { kind: 'reset' } });

      // Act
      const result = await populate(s, baseRequest({ recipient_list: people(3) }));

      // Assess
      expect(populateCalls(s)).toHaveLength(1);
      expect(result.requests[0]).toMatchObject({ status: 'failed', detail: expect.stringMatching(/may have created the job/) });
      expect(exitCodeOfPopulate(result)).toBe(1);
    });

    it('reports a 413 as rejected with the vendor message, without retrying it', async () => {
      // Prepare: the vendor's limit is lower than the one we plan with.
      const s = await startSim({ maxBodyBytes: 2_000 });

      // Act
      const result = await populate(s, baseRequest({ recipient_list: people(200) }));

      // Assess
      expect(populateCalls(s)).toHaveLength(1);
      expect(populateCalls(s)[0]?.status).toBe(413);
      expect(result.requests[0]).toMatchObject({ status: 'rejected', detail: expect.stringMatching(/413.*must be smaller than 2000 bytes/) });
      expect(result.summary).toMatchObject({ submitted: 0, failedRequests: 1 });
      expect(exitCodeOfPopulate(result)).toBe(1);
    });

    it('goes on with the other requests when one later request is refused with 413', async () => {
      // Prepare
      const s = await startSim();
      s.inject({ method: 'POST', path: '/api/campaign/populate', after: 2, times: 1, fault: { status: 413 } });

      // Act
      const result = await populate(s, baseRequest({ recipient_list: people(50) }), { maxRecipientsPerRequest: 10, maxInFlight: 1 });

      // Assess
      expect(result.requests.map((r) => r.status)).toEqual(['DONE', 'DONE', 'rejected', 'DONE', 'DONE']);
      expect(result.requests[2]?.detail).toMatch(/413/);
      expect(result.summary).toMatchObject({ requests: 5, submitted: 4, failedRequests: 1, jobsDone: 4 });
      expect(result.error).toBeUndefined();
      expect(exitCodeOfPopulate(result)).toBe(1);
    });

    it('stops after the first request when the credentials are refused (401), leaking no credential', async () => {
      // Prepare
      const s = await startSim();
      const input = baseRequest({ recipient_list: people(50) });
      const logged: string[] = [];
      const log = { debug: () => {}, info: () => {}, warn: (m: string, ...x: object[]) => logged.push(m + JSON.stringify(x)), error: () => {} };

      // Act
      const result = await populate(s, input, { maxRecipientsPerRequest: 10, log }, { credentials: { secretKey: SECRET_KEY, apiKey: 'wrong-api-key', baseUrl: s.url } });

      // Assess
      expect(populateCalls(s).map((r) => r.status)).toEqual([401]);
      expect(result.requests).toHaveLength(1);
      expect(result.requests[0]).toMatchObject({ status: 'rejected', detail: expect.stringMatching(/401.*unknown Secret Key or invalid API Key/) });
      expect(result.error).toMatch(/first request was not accepted.*recipients from 10 on were not sent/);
      expect(exitCodeOfPopulate(result)).toBe(1);
      const everything = JSON.stringify(result) + logged.join('\n');
      for (const secret of [SECRET_KEY, API_KEY, 'wrong-api-key', Buffer.from(`${SECRET_KEY}:wrong-api-key`).toString('base64')]) {
        expect(everything).not.toContain(secret);
      }
    });

    it('stops when the namespace lacks the Adaptive Campaign permission (409)', async () => {
      // Prepare
      const s = await startSim({ deniedNamespace: true });

      // Act
      const result = await populate(s, baseRequest({ recipient_list: people(20) }), { maxRecipientsPerRequest: 10 });

      // Assess
      expect(populateCalls(s)).toHaveLength(1);
      expect(result.requests[0]).toMatchObject({ status: 'rejected', detail: expect.stringMatching(/409/) });
      expect(result.error).toBeDefined();
    });

    it('reports an unknown campaign as rejected with the vendor message (400)', async () => {
      // Prepare
      const s = await startSim();

      // Act
      const result = await populate(s, baseRequest({ campaign_config: { campaign_id: 12345, cred_type: 'email' }, recipient_list: people(2) }));

      // Assess
      expect(result.requests[0]).toMatchObject({ status: 'rejected', detail: expect.stringMatching(/400.*12345 is not an existing adaptive campaign/) });
    });

    it('reports a FAILED job with its reason', async () => {
      // Prepare
      const s = await startSim({ failJobs: true });

      // Act
      const result = await populate(s, baseRequest({ recipient_list: people(3) }));

      // Assess
      expect(result.requests[0]).toMatchObject({ status: 'FAILED', detail: expect.stringMatching(/reports job .* FAILED/) });
      expect(result.summary).toMatchObject({ submitted: 1, jobsDone: 0, jobsFailed: 1 });
      expect(exitCodeOfPopulate(result)).toBe(1);
    });

    it('counts users the vendor could not find', async () => {
      // Prepare
      const s = await startSim({ notFound: (credential) => credential.startsWith('gone') });
      const list = [...people(3), { k_to: ['gone-1@example.com', 'gone-2@example.com'] }];

      // Act
      const result = await populate(s, baseRequest({ recipient_list: list }));

      // Assess
      expect(result.summary).toMatchObject({ usersRequested: 5, usersScheduled: 3, usersNotFound: 2, jobsDone: 1 });
      expect(result.requests[0]).toMatchObject({ status: 'DONE', counts: { usersRequested: 5, usersScheduled: 3, usersNotFound: 2 } });
      expect(result.requests[0]?.detail).toMatch(/2 users not found/);
    });

    it('sends the valid recipients of a JSON Lines stream and lists the bad lines by number', async () => {
      // Prepare
      const s = await startSim();
      const lines = [
        JSON.stringify({ k_to: ['a@example.com'], city: 'Zürich' }),
        '{"k_to": ["b@example.com"',
        '',
        JSON.stringify({ k_to: ['c@example.com'], vip: true }),
        JSON.stringify({ k_to: ['d@example.com'] }),
      ];
      const request = parsePopulateRequest(baseRequest({ recipients: { file: 'users.jsonl' } }), { allowFile: true });

      // Act
      const result = await runPopulate(request, { client: clientFor(s), recipients: fromJsonLines(chunked(`${lines.join('\n')}\n`, 7)), ...FAST_POLL });

      // Assess
      expect(result.invalidRecipients).toEqual([
        { line: 2, reason: 'is not valid JSON' },
        { line: 4, reason: expect.stringMatching(/^vip: must be a string or a number, got a boolean/) },
      ]);
      expect(result.summary).toMatchObject({ recipients: 4, valid: 2, invalid: 2, jobsDone: 1 });
      expect(result.requests[0]).toMatchObject({ firstRecipient: 1, lastRecipient: 5, recipients: 2 });
      expect(result.source).toBe('users.jsonl');
      expect(receivedInOrder(s)).toEqual(['a@example.com', 'd@example.com']);
      expect((populateCalls(s)[0]?.body as { recipient_list: unknown[] }).recipient_list[0]).toEqual({ k_to: ['a@example.com'], city: 'Zürich' });
      expect(exitCodeOfPopulate(result)).toBe(1);
    });

    it('stops reading when the stream breaks, keeping the account of what was sent', async () => {
      // Prepare
      const s = await startSim();
      async function* broken(): AsyncGenerator<RecipientItem> {
        for (let line = 1; line <= 25; line += 1) yield { line, value: { k_to: [`u${line}`] } };
        throw new Error('socket hang up');
      }
      const request = parsePopulateRequest(baseRequest({ recipients: { s3: 's3://bucket/users.jsonl' } }), { allowFile: false });

      // Act
      const result = await runPopulate(request, { client: clientFor(s), recipients: broken(), maxRecipientsPerRequest: 10, ...FAST_POLL });

      // Assess
      expect(result.requests.map((r) => r.status)).toEqual(['DONE', 'DONE']);
      expect(result.error).toMatch(/reading the recipients failed after 25 recipients: socket hang up/);
      expect(exitCodeOfPopulate(result)).toBe(1);
    });

    it('plans a dry run without sending anything', async () => {
      // Prepare
      const s = await startSim();

      // Act
      const result = await populate(s, baseRequest({ recipient_list: people(120), dryRun: true }), { maxRecipientsPerRequest: 50 });

      // Assess
      expect(s.requests).toEqual([]);
      expect(result.dryRun).toBe(true);
      expect(result.requests.map((r) => [r.recipients, r.status])).toEqual([
        [50, 'planned'],
        [50, 'planned'],
        [20, 'planned'],
      ]);
      expect(result.requests.every((r) => r.bytes > 0 && r.detail === 'dry run: not sent')).toBe(true);
    });

    it('plans the same bytes in a dry run as it then sends', async () => {
      // Prepare
      const s = await startSim();
      const input = baseRequest({ default_params: { company: 'Ä Co' }, recipient_list: people(120) });

      // Act
      const planned = await populate(s, { ...input, dryRun: true }, { maxBodyBytes: 3_000 });
      const sent = await populate(s, input, { maxBodyBytes: 3_000 });

      // Assess
      expect(planned.requests.map((r) => r.bytes)).toEqual(sent.requests.map((r) => r.bytes));
      expect(populateCalls(s).map((r) => r.bodyBytes).sort()).toEqual(sent.requests.map((r) => r.bytes).sort());
    });

    it('refuses a request without env before any call', async () => {
      // Prepare
      const s = await startSim();
      const { env: _env, ...withoutEnv } = baseRequest({ recipient_list: people(1) });

      // Act
      const issues = await issuesOf(() => populate(s, withoutEnv));

      // Assess
      expect(issues).toEqual([{ field: 'env', problem: 'is required: "p" (production) or "s" (sandbox)' }]);
      expect(s.requests).toEqual([]);
    });
  });

  describe('KahunaClient', () => {
    it('reads a job status and maps the vendor error body', async () => {
      // Prepare
      const s = await startSim();
      const client = clientFor(s);
      const body = JSON.stringify({ campaign_config: { campaign_id: CAMPAIGN_ID, cred_type: 'email' }, recipient_list: people(2) });

      // Act
      const job = await client.populate('p', body);
      const status = await client.jobStatus('p', job.jobId);
      const unknown = await client.jobStatus('s', job.jobId).catch((error: unknown) => error);

      // Assess
      expect(job).toMatchObject({ status: 'PENDING', usersRequested: 2 });
      expect(status.jobId).toBe(job.jobId);
      expect(unknown).toBeInstanceOf(VendorError);
      expect(unknown).toMatchObject({ status: 400, retryable: false, body: { title: 'Bad request', message: expect.stringMatching(/unknown job id/) } });
    });

    it('refuses a maxInFlight above the vendor limit', async () => {
      // Prepare
      const s = await startSim();

      // Act / Assess
      expect(() => clientFor(s, { maxInFlight: 11 })).toThrow(ConfigurationError);
    });
  });
});
