/**
 * The Lambda handlers end to end on real AWS APIs (moto's server) and the vendor simulators: secrets,
 * token companion secret, window state in DynamoDB, results on an EventBridge bus read back from SQS.
 * Handlers are invoked in-process with AWS_ENDPOINT_URL pointing at moto (moto cannot run Lambdas).
 */
import { CreateTableCommand, DynamoDBClient, ScanCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PopulateResult } from '../../functions/core/populate-result.js';
import type { WindowResult } from '../../functions/core/result.js';
import { ENVIRONMENT, EVENTS, METRICS, TOKEN_CACHE_PREFIX_DEFAULT } from '../../functions/settings.js';
import { startAllSims, type AllSims } from '../../sim/index.js';
import { motoClientConfig, startMoto, type Moto } from '../support/moto.js';

const TABLE = 'campaign-ops-windows';
const BUS = 'campaign-ops';
// Each test gets its own secret names: the handlers cache secret values for the container's life, and
// every test starts simulators on new ports.
let generation = 0;
let DELTADNA_SECRET = '';
let OCAMBA_SECRET = '';
let KAHUNA_SECRET = '';
let DELTADNA_WINDOW: Record<string, unknown> = {};
let OCAMBA_WINDOW: Record<string, unknown> = {};

let moto: Moto;
let sims: AllSims;
let clients: { secrets: SecretsManagerClient; dynamo: DynamoDBClient; events: EventBridgeClient; sqs: SQSClient; s3: S3Client };
let queueUrl: string;
let handlers: {
  pause: (event: unknown, context?: Context) => Promise<WindowResult>;
  resume: (event: unknown, context?: Context) => Promise<WindowResult>;
  populate: (event: unknown, context?: Context) => Promise<PopulateResult>;
};

interface Envelope {
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
}

let invocation = 0;
const lambdaContext = (): Context =>
  ({
    awsRequestId: `request-${(invocation += 1)}`,
    functionName: 'campaign-ops-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:campaign-ops-test',
    memoryLimitInMB: '256',
    logGroupName: '/aws/lambda/campaign-ops-test',
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 300_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  }) as Context;

/** Every event on the bus so far, in arrival order, taken off the queue. */
const drainEvents = async (): Promise<Envelope[]> => {
  const events: Envelope[] = [];
  for (let round = 0; round < 5; round += 1) {
    const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) break;
    events.push(...Messages.map((m) => JSON.parse(m.Body ?? '{}') as Envelope));
    await clients.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  }
  return events;
};

const windowItems = async (provider: string, account: string, window: string) => {
  const { Items = [] } = await clients.dynamo.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }));
  return Items.filter((i) => i.pk?.S === `WINDOWS#${provider}#${account}` && i.sk?.S?.startsWith(`${window}#-#CAMPAIGN#`))
    .map((i) => ({ campaignId: i.campaignId?.S, state: i.state?.S, before: i.before?.S, expiresAt: Number(i.expiresAt?.N) }))
    .sort((a, b) => String(a.campaignId).localeCompare(String(b.campaignId)));
};

/** Lambda's async invocation: a handler that throws is invoked again with the same event, twice at most. */
const invokeAsync = async <T>(handler: (event: unknown, context?: Context) => Promise<T>, event: unknown): Promise<{ attempts: number }> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await handler(event, lambdaContext());
      return { attempts: attempt };
    } catch (error) {
      if (attempt === 3) return { attempts: attempt };
    }
  }
};

const statePosts = (vendor: 'deltadna' | 'ocamba') => sims[vendor].requests.filter((r) => r.method === 'POST' && !r.path.includes('authenticate'));

beforeAll(async () => {
  moto = await startMoto();
  // Stubbed, and given back after the file: test files may share a worker process.
  const env = {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    [ENVIRONMENT.windowTable]: TABLE,
    [ENVIRONMENT.eventBus]: BUS,
    [ENVIRONMENT.tokenCachePrefix]: TOKEN_CACHE_PREFIX_DEFAULT,
    // Quiet by default; the secret-hygiene test turns the logger up to DEBUG and captures everything.
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const config = motoClientConfig(moto.endpoint);
  clients = {
    secrets: new SecretsManagerClient(config),
    dynamo: new DynamoDBClient(config),
    events: new EventBridgeClient(config),
    sqs: new SQSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
  };
  handlers = {
    pause: (await import('../../functions/pause.js')).handler,
    resume: (await import('../../functions/resume.js')).handler,
    populate: (await import('../../functions/populate.js')).handler,
  };
});

afterAll(async () => {
  for (const client of Object.values(clients ?? {})) client.destroy();
  await moto?.stop();
  vi.unstubAllEnvs();
});

beforeEach(async () => {
  await moto.reset();
  sims = await startAllSims();
  generation += 1;
  DELTADNA_SECRET = `campaign-ops/deltaslot-live-${generation}`;
  OCAMBA_SECRET = `campaign-ops/hood-${generation}`;
  KAHUNA_SECRET = `campaign-ops/kahuna-sandbox-${generation}`;
  DELTADNA_WINDOW = { provider: 'deltadna', secret: DELTADNA_SECRET, window: 'nightly', select: { environment: 8756 } };
  OCAMBA_WINDOW = { provider: 'ocamba', secret: OCAMBA_SECRET, window: 'nightly', select: { labels: ['night-off'] }, reason: 'Overnight maintenance' };
  const secret = (Name: string, value: object) => clients.secrets.send(new CreateSecretCommand({ Name, SecretString: JSON.stringify(value) }));
  await secret(DELTADNA_SECRET, sims.secrets.deltadna);
  await secret(OCAMBA_SECRET, sims.secrets.ocamba);
  await secret(KAHUNA_SECRET, sims.secrets.kahuna);
  // The stack creates the companion secret with this placeholder.
  await secret(`${TOKEN_CACHE_PREFIX_DEFAULT}${DELTADNA_SECRET}`, { token: '', expiresAt: '1970-01-01T00:00:00Z' });
  await clients.dynamo.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
    }),
  );
  await clients.dynamo.send(new UpdateTimeToLiveCommand({ TableName: TABLE, TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }));
  await clients.events.send(new CreateEventBusCommand({ Name: BUS }));
  queueUrl = (await clients.sqs.send(new CreateQueueCommand({ QueueName: 'results' }))).QueueUrl!;
  const { Attributes } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  await clients.events.send(new PutRuleCommand({ Name: 'results', EventBusName: BUS, EventPattern: JSON.stringify({ source: [EVENTS.source] }) }));
  await clients.events.send(new PutTargetsCommand({ Rule: 'results', EventBusName: BUS, Targets: [{ Id: 'q', Arn: Attributes!.QueueArn! }] }));
});

afterEach(async () => {
  vi.restoreAllMocks();
  await sims.close();
});

describe('Integration: Lambda handlers on moto', () => {
  it('runs a full overnight window: state in DynamoDB, results on the bus, the token cached and reused', async () => {
    // Act
    const paused = await handlers.pause(DELTADNA_WINDOW, lambdaContext());
    const itemsAtNight = await windowItems('deltadna', DELTADNA_SECRET, 'nightly');
    const { SecretString } = await clients.secrets.send(new GetSecretValueCommand({ SecretId: `${TOKEN_CACHE_PREFIX_DEFAULT}${DELTADNA_SECRET}` }));
    const resumed = await handlers.resume(DELTADNA_WINDOW, lambdaContext());
    const itemsInTheMorning = await windowItems('deltadna', DELTADNA_SECRET, 'nightly');
    const events = await drainEvents();

    // Assess
    expect(paused.summary).toMatchObject({ selected: 8, changed: 4, unchanged: 4, failed: 0 });
    expect(itemsAtNight.map((i) => [i.campaignId, i.state, i.before])).toEqual([
      ['34749', 'paused', 'running'],
      ['34750', 'paused', 'running'],
      ['34754', 'paused', 'scheduled'],
      ['34756', 'paused', 'running'],
    ]);
    expect(itemsAtNight.every((i) => i.expiresAt > Date.now() / 1000)).toBe(true);
    expect(JSON.parse(SecretString!).token).toBeTruthy();
    expect(resumed.summary).toMatchObject({ selected: 4, changed: 4 });
    expect(itemsInTheMorning.every((i) => i.state === 'resumed')).toBe(true);
    expect(sims.deltadna.campaign(34749)?.status).toBe('ACTIVE');
    expect(sims.deltadna.campaign(34752)?.status).toBe('PAUSED');
    // The second invocation reused the token from the companion secret: one authentication in all.
    expect(sims.deltadna.authCount).toBe(1);
    expect(events.map((e) => [e.source, e['detail-type']])).toEqual([
      ['campaign-ops', 'Campaigns Paused'],
      ['campaign-ops', 'Campaigns Resumed'],
    ]);
    expect(events[0]!.detail).toMatchObject({ action: 'pause', window: 'nightly', summary: { changed: 4 } });
  });

  it('overlapping windows hold together in DynamoDB: the freeze joins nightly, nightly lets go, the freeze resumes last', async () => {
    // Prepare
    const freeze = { provider: 'ocamba', secret: OCAMBA_SECRET, window: 'freeze', select: { ids: ['1000244', '1000248', '1000250'] }, reason: 'Release freeze' };

    // Act
    await handlers.pause(OCAMBA_WINDOW, lambdaContext());
    const freezePause = await handlers.pause(freeze, lambdaContext());
    const freezeItems = await windowItems('ocamba', OCAMBA_SECRET, 'freeze');
    const nightlyResume = await handlers.resume(OCAMBA_WINDOW, lambdaContext());
    const heldAt6 = ['1000244', '1000248'].map((id) => sims.ocamba.campaign(id)?.status);
    const freezeResume = await handlers.resume(freeze, lambdaContext());
    const again = await handlers.resume(freeze, lambdaContext());

    // Assess
    const detail = (result: WindowResult, id: string) => result.campaigns.find((c) => c.id === id)?.detail;
    expect(detail(freezePause, '1000248')).toContain('held with window nightly, which paused it');
    expect(freezeItems.map((i) => [i.campaignId, i.state, i.before])).toEqual([
      ['1000244', 'paused', 'scheduled'],
      ['1000248', 'paused', 'running'],
      ['1000250', 'paused', 'scheduled'],
    ]);
    expect(detail(nightlyResume, '1000248')).toContain('still held by window freeze');
    expect(heldAt6).toEqual(['paused', 'paused']);
    expect(freezeResume.summary).toMatchObject({ changed: 3, failed: 0 });
    expect(['1000244', '1000248', '1000250'].map((id) => sims.ocamba.campaign(id)?.status)).toEqual(['scheduled', 'running', 'scheduled']);
    expect(again.summary).toMatchObject({ changed: 0, failed: 0 });
  });

  it('two concurrent pause invocations of one window both succeed with every campaign paused once in state', async () => {
    // Act
    const [a, b] = await Promise.all([handlers.pause(OCAMBA_WINDOW, lambdaContext()), handlers.pause(OCAMBA_WINDOW, lambdaContext())]);

    // Assess
    expect(a.summary.failed + b.summary.failed + a.summary.rejected + b.summary.rejected).toBe(0);
    for (const id of ['1000241', '1000242', '1000244', '1000248']) expect(sims.ocamba.campaign(id)?.status).toBe('paused');
    const items = await windowItems('ocamba', OCAMBA_SECRET, 'nightly');
    expect(items.map((i) => [i.campaignId, i.state])).toEqual([
      ['1000241', 'paused'],
      ['1000242', 'paused'],
      ['1000244', 'paused'],
      ['1000248', 'paused'],
    ]);
    expect(statePosts('ocamba').filter((r) => r.path.endsWith('/pause'))).toHaveLength(4);
    expect(sims.ocamba.throttledCount).toBe(0);
  });

  it('a duplicate Scheduler delivery changes nothing the second time', async () => {
    // Prepare
    await handlers.pause(OCAMBA_WINDOW, lambdaContext());
    const postsAfterFirst = statePosts('ocamba').length;

    // Act
    const again = await handlers.pause(OCAMBA_WINDOW, lambdaContext());

    // Assess
    expect(again.summary).toMatchObject({ changed: 0, failed: 0, rejected: 0 });
    expect(again.campaigns.filter((c) => c.outcome === 'unchanged' && c.detail.includes('already paused by window nightly'))).toHaveLength(4);
    expect(statePosts('ocamba')).toHaveLength(postsAfterFirst);
  });

  it('runs a request delivered inside an EventBridge event', async () => {
    // Act
    const envelope = {
      version: '0',
      id: 'c0ffee',
      'detail-type': EVENTS.pauseRequested,
      source: 'release-pipeline',
      account: '123456789012',
      time: '2026-11-23T21:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: OCAMBA_WINDOW,
    };
    const result = await handlers.pause(envelope, lambdaContext());

    // Assess
    expect(result.summary.changed).toBe(4);
    expect(sims.ocamba.campaign('1000248')?.status).toBe('paused');
  });

  it('a Maintenance Started delivered after its Maintenance Finished pauses nothing and publishes Run Skipped naming the resume', async () => {
    // Prepare: the night ran by events; its Maintenance Started is delivered again, late.
    const event = (detailType: string, time: string) => ({ version: '0', id: `${detailType}-${time}`, 'detail-type': detailType, source: 'release-pipeline', time, detail: DELTADNA_WINDOW });
    const started = event(EVENTS.maintenanceStarted, '2026-11-30T22:00:00Z');
    await handlers.pause(started, lambdaContext());
    const resumed = await handlers.resume(event(EVENTS.maintenanceFinished, '2026-12-01T06:00:00Z'), lambdaContext());
    const postsBefore = statePosts('deltadna').length;

    // Act
    const late = await handlers.pause(started, lambdaContext());
    const events = await drainEvents();
    const { Items = [] } = await clients.dynamo.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true }));

    // Assess
    expect(late.skipped?.staleBecause).toEqual({ action: 'resume', at: '2026-12-01T06:00:00.000Z', runId: resumed.runId });
    expect(late.summary).toMatchObject({ selected: 0, changed: 0, failed: 0 });
    expect(statePosts('deltadna')).toHaveLength(postsBefore);
    expect(sims.deltadna.campaign(34749)?.status).toBe('ACTIVE');
    expect(events.map((e) => e['detail-type'])).toEqual([EVENTS.campaignsPaused, EVENTS.campaignsResumed, EVENTS.runSkipped]);
    expect(events[2]!.detail).toMatchObject({ action: 'pause', window: 'nightly', campaigns: [], skipped: { staleBecause: { action: 'resume', runId: resumed.runId } } });
    // One edges item for the window, beside its entries.
    const edges = Items.filter((i) => i.pk?.S === `EDGES#deltadna#${DELTADNA_SECRET}`);
    expect(edges.map((i) => [i.sk?.S, i.pauseAt?.S, i.resumeAt?.S])).toEqual([['nightly#-', '2026-11-30T22:00:00.000Z', '2026-12-01T06:00:00.000Z']]);
  });

  it("a Scheduler pause retried by Lambda after its window's resume ran is skipped, and every campaign ends running", async () => {
    // Prepare: the 22:00 pause fails on one campaign, so Lambda will retry it; the 22:30 resume runs first.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const unavailable = { status: 503, body: { code: 503, title: 'Unavailable' } } as const;
    sims.ocamba.inject({ method: 'POST', path: '/v1/hood/campaigns/1000248/pause', times: Infinity, fault: unavailable });
    sims.ocamba.inject({ method: 'GET', path: '/v1/hood/campaigns/1000248', times: Infinity, fault: unavailable });
    const scheduled = { ...OCAMBA_WINDOW, at: '2026-11-30T22:00:00Z' };
    const failed = await handlers.pause(scheduled, lambdaContext()).catch((e: unknown) => e);
    sims.ocamba.clearFaults();
    await handlers.resume({ ...OCAMBA_WINDOW, at: '2026-11-30T22:30:00Z' }, lambdaContext());

    // Act: Lambda's retry of the same event.
    const retried = await handlers.pause(scheduled, lambdaContext());
    const events = await drainEvents();

    // Assess
    expect(failed).toMatchObject({ name: 'CampaignsFailedError' });
    expect(retried.skipped?.staleBecause).toMatchObject({ action: 'resume', at: '2026-11-30T22:30:00.000Z' });
    expect(['1000241', '1000242', '1000244', '1000248'].map((id) => sims.ocamba.campaign(id)?.status)).toEqual(['running', 'running', 'scheduled', 'running']);
    expect(events.map((e) => e['detail-type'])).toEqual([EVENTS.campaignsPaused, EVENTS.campaignsResumed, EVENTS.runSkipped]);
  }, 60_000);

  it('fails fast on an invalid request: no vendor call, a Run Failed event naming the field', async () => {
    // Act
    const error = await handlers.pause({ ...OCAMBA_WINDOW, select: { environment: 5 } }, lambdaContext()).catch((e: unknown) => e);
    const events = await drainEvents();

    // Assess
    expect(error).toMatchObject({ name: 'InvalidRequestError', retryable: false });
    expect((error as Error).message).toMatch(/select\.environment/);
    expect(sims.ocamba.requests).toHaveLength(0);
    expect(events.map((e) => e['detail-type'])).toEqual(['Run Failed']);
    expect(events[0]!.detail).toMatchObject({ action: 'pause', errorType: 'InvalidRequestError', retryable: false, issues: [{ field: 'select.environment' }] });
  });

  it('a 1 MB provider still gives a Run Failed event, with a short error and no vendor call', async () => {
    // Act
    const error = await handlers.pause({ ...OCAMBA_WINDOW, provider: 'p'.repeat(1_000_000) }, lambdaContext()).catch((e: unknown) => e);
    const events = await drainEvents();

    // Assess
    expect(error).toMatchObject({ name: 'InvalidRequestError', retryable: false });
    expect((error as Error).message.length).toBeLessThan(500);
    expect(sims.ocamba.requests).toHaveLength(0);
    expect(events.map((e) => e['detail-type'])).toEqual(['Run Failed']);
    expect(events[0]!.detail).toMatchObject({ errorType: 'InvalidRequestError', issues: [{ field: 'provider', problem: expect.stringMatching(/got "p+…$/) }] });
  });

  it('publishes the result and then throws when a campaign failed, so the retry runs the window again', async () => {
    // Prepare
    // Every attempt fails, whatever its timing: full jitter draws 0, so the retries go at once, not over seconds.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const unavailable = { status: 503, body: { code: 503, title: 'Unavailable' } } as const;
    sims.ocamba.inject({ method: 'POST', path: '/v1/hood/campaigns/1000248/pause', times: Infinity, fault: unavailable });
    sims.ocamba.inject({ method: 'GET', path: '/v1/hood/campaigns/1000248', times: Infinity, fault: unavailable });

    // Act
    const error = await handlers.pause(OCAMBA_WINDOW, lambdaContext()).catch((e: unknown) => e);
    sims.ocamba.clearFaults();
    const retried = await handlers.pause(OCAMBA_WINDOW, lambdaContext());
    const events = await drainEvents();

    // Assess
    expect(error).toMatchObject({ name: 'CampaignsFailedError' });
    expect(events.map((e) => e['detail-type'])).toEqual(['Campaigns Paused', 'Campaigns Paused']);
    expect(events[0]!.detail).toMatchObject({ summary: { failed: 1, changed: 3 } });
    expect(retried.summary).toMatchObject({ changed: 1, failed: 0 });
    expect(sims.ocamba.campaign('1000248')?.status).toBe('paused');
  }, 60_000);

  it('a rejected campaign alone returns normally and is reported in the event', async () => {
    // Act
    const result = await handlers.pause({ ...DELTADNA_WINDOW, select: { environment: 8756, ids: ['34751'] } }, lambdaContext());
    const events = await drainEvents();

    // Assess
    expect(result.summary).toMatchObject({ rejected: 1 });
    expect(events[0]!.detail).toMatchObject({ summary: { rejected: 1 } });
  });

  it('populates a Kahuna campaign from a JSON Lines object in S3', async () => {
    // Prepare
    await clients.s3.send(new CreateBucketCommand({ Bucket: 'recipients' }));
    const lines = Array.from({ length: 250 }, (_, i) => JSON.stringify({ k_to: [`user${i}@example.com`], department: 'qa' }));
    lines.splice(10, 0, '{"k_to": "not-an-array"}');
    await clients.s3.send(new PutObjectCommand({ Bucket: 'recipients', Key: 'bf.jsonl', Body: lines.join('\n') }));

    // Act
    const result = await handlers.populate(
      {
        provider: 'kahuna',
        secret: KAHUNA_SECRET,
        env: 's',
        campaign_config: { campaign_id: 999, cred_type: 'email' },
        default_params: { k_send_ts: 1767225600 },
        recipients: { s3: 's3://recipients/bf.jsonl' },
        // Jobs are followed by status reads at most every 30 s (vendor rule): not waited for here.
        wait: false,
      },
      lambdaContext(),
    );
    const events = await drainEvents();

    // Assess
    expect(result.summary).toMatchObject({ recipients: 251, valid: 250, invalid: 1 });
    expect(result.invalidRecipients).toEqual([{ line: 11, reason: expect.stringContaining('k_to') }]);
    expect(sims.kahuna.jobs.reduce((n, j) => n + j.recipients, 0)).toBe(250);
    expect(result.requests.every((r) => typeof r.jobId === 'string')).toBe(true);
    expect(events.map((e) => e['detail-type'])).toEqual(['Populate Submitted']);
  }, 60_000);

  it('a populate whose result cannot be put on the bus returns normally, so the async retry never sends its requests again', async () => {
    // Prepare: the bus refuses every event (a permissions slip, say), after the requests were sent.
    const bus = mockClient(EventBridgeClient);
    bus.on(PutEventsCommand).rejects(Object.assign(new Error('not authorized to put events'), { name: 'AccessDeniedException' }));
    const request = {
      provider: 'kahuna',
      secret: KAHUNA_SECRET,
      env: 's',
      campaign_config: { campaign_id: 999, cred_type: 'email' },
      default_params: { k_send_ts: 1767225600 },
      recipient_list: [{ k_to: ['a@example.com'] }, { k_to: ['b@example.com'] }],
      wait: false,
    };
    const { RunTelemetry } = await import('../../functions/adapters/aws/powertools.js');
    const counted = vi.spyOn(RunTelemetry.prototype, 'count');

    // Act
    let invoked;
    let counts: string[];
    let putEvents: number;
    try {
      invoked = await invokeAsync(handlers.populate, request);
    } finally {
      counts = counted.mock.calls.map(([name]) => name);
      putEvents = bus.commandCalls(PutEventsCommand).length;
      counted.mockRestore();
      bus.restore();
    }

    // Assess
    expect(invoked.attempts).toBe(1);
    expect(putEvents).toBeGreaterThan(0);
    expect(counts).toContain(METRICS.resultsUnpublished);
    const populates = sims.kahuna.requests.filter((r) => r.method === 'POST');
    expect(populates).toHaveLength(1);
    expect(sims.kahuna.jobs.map((j) => j.recipients)).toEqual([2]);
  }, 60_000);

  it('never lets a secret value into a log line, a result, an error or an event, on any path', async () => {
    // Prepare: distinctive secret values, and every log line the handlers write.
    // The unreachable vendor's retries go at once (full jitter draws 0): their timing is not what is checked.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const { logger } = await import('../../functions/runtime.js');
    logger.setLogLevel('DEBUG');
    const known = {
      deltaKey: 'dk-7f3a9-SECRET', deltaPassword: 'dp-91c2e-SECRET', ocambaToken: 'ot-55ab1-SECRET',
      wrongToken: 'wt-0d0d0-SECRET', kahunaSecret: 'ks-a1b2c-SECRET', kahunaApi: 'ka-c3d4e-SECRET',
    };
    await sims.close();
    sims = await startAllSims({
      deltadna: { key: known.deltaKey, password: known.deltaPassword },
      ocamba: { token: known.ocambaToken },
      kahuna: { secretKey: known.kahunaSecret, apiKey: known.kahunaApi },
    });
    const put = (Name: string, value: object) => clients.secrets.send(new CreateSecretCommand({ Name, SecretString: JSON.stringify(value) }));
    const names = { delta: `hygiene/delta-${generation}`, ocamba: `hygiene/hood-${generation}`, wrong: `hygiene/wrong-${generation}`, down: `hygiene/down-${generation}`, bad: `hygiene/bad-${generation}`, kahuna: `hygiene/kahuna-${generation}` };
    await put(names.delta, { key: known.deltaKey, password: known.deltaPassword, baseUrl: sims.deltadna.url });
    await put(`${TOKEN_CACHE_PREFIX_DEFAULT}${names.delta}`, { token: '', expiresAt: '1970-01-01T00:00:00Z' });
    await put(names.ocamba, { token: known.ocambaToken, baseUrl: sims.ocamba.url });
    await put(names.wrong, { token: known.wrongToken, baseUrl: sims.ocamba.url });
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    await put(names.down, { token: known.ocambaToken, baseUrl: `http://127.0.0.1:${closedPort}` });
    await put(names.bad, { token: known.ocambaToken, baseUrl: `ftp://${known.ocambaToken}@example.com` });
    await put(names.kahuna, { secretKey: known.kahunaSecret, apiKey: known.kahunaApi, baseUrl: sims.kahuna.url });
    const captured: string[] = [];
    const capture = (chunk: unknown): boolean => (captured.push(String(chunk)), true);
    const stdout = process.stdout.write;
    const stderr = process.stderr.write;
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    const outcomes: unknown[] = [];
    const attempt = async (run: () => Promise<unknown>) => {
      try {
        outcomes.push(await run());
      } catch (error) {
        outcomes.push({ message: (error as Error).message, stack: (error as Error).stack, ...(error as object) });
      }
    };

    // Act: success, a vendor refusal, wrong credentials, an unreachable vendor, a bad secret, an invalid request, a populate.
    try {
      const delta = { provider: 'deltadna', secret: names.delta, window: 'nightly', select: { environment: 8756 } };
      const hood = { provider: 'ocamba', secret: names.ocamba, window: 'nightly', select: { labels: ['night-off'] } };
      await attempt(() => handlers.pause(delta, lambdaContext()));
      await attempt(() => handlers.resume(delta, lambdaContext()));
      await attempt(() => handlers.pause({ ...delta, select: { environment: 8756, ids: ['34751'] } }, lambdaContext()));
      await attempt(() => handlers.pause(hood, lambdaContext()));
      await attempt(() => handlers.pause({ ...hood, secret: names.wrong }, lambdaContext()));
      await attempt(() => handlers.pause({ ...hood, secret: names.down }, lambdaContext()));
      await attempt(() => handlers.pause({ ...hood, secret: names.bad }, lambdaContext()));
      await attempt(() => handlers.pause({ ...hood, select: 'everything' }, lambdaContext()));
      await attempt(() =>
        handlers.populate(
          { provider: 'kahuna', secret: names.kahuna, env: 's', campaign_config: { campaign_id: 999, cred_type: 'email' }, recipient_list: [{ k_to: ['a@example.com'] }], wait: false },
          lambdaContext(),
        ),
      );
    } finally {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
      logger.setLogLevel('SILENT');
    }
    const events = await drainEvents();
    const { SecretString } = await clients.secrets.send(new GetSecretValueCommand({ SecretId: `${TOKEN_CACHE_PREFIX_DEFAULT}${names.delta}` }));
    const idToken = JSON.parse(SecretString!).token as string;

    // Assess: every path ran and was seen...
    const everything = [captured.join(''), JSON.stringify(outcomes), JSON.stringify(events)].join('\n');
    expect(captured.length).toBeGreaterThan(20);
    expect(events.map((e) => e['detail-type'])).toEqual(expect.arrayContaining(['Campaigns Paused', 'Campaigns Resumed', 'Run Failed', 'Populate Submitted']));
    expect(everything).toContain('401');
    expect(everything).toContain('ECONNREFUSED');
    expect(everything).toContain(names.bad);
    // ...and no secret value, nor the vendor token, is anywhere in it.
    expect(idToken.length).toBeGreaterThan(8);
    for (const value of [...Object.values(known), idToken]) expect(everything).not.toContain(value);
  }, 120_000);
});
