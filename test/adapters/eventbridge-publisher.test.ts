import { EventBridgeClient, EventBridgeServiceException, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBridgePublisher, EventPublishError, trimDetail } from '../../functions/adapters/aws/eventbridge-publisher.js';
import { knownSecrets } from '../../functions/core/redact.js';

const client = new EventBridgeClient({ region: 'us-east-1' });
const eventBridge = mockClient(client);
const BUS = 'campaign-ops';
const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

const campaign = (i: number) => ({
  id: String(1_000_000 + i),
  name: `Campaign ${i} — ünïcödé ${'x'.repeat(100)}`,
  before: 'running',
  after: 'paused',
  outcome: 'changed',
  detail: '',
});
const windowResult = (campaigns: number) => ({
  action: 'pause',
  provider: 'ocamba',
  secret: 'campaign-ops/hood',
  window: 'nightly',
  dryRun: false,
  runId: 'run-1',
  summary: { selected: campaigns, changed: campaigns, unchanged: 0, rejected: 0, failed: 0 },
  campaigns: Array.from({ length: campaigns }, (_, i) => campaign(i)),
});

const serviceError = (name: string, status: number): EventBridgeServiceException =>
  new EventBridgeServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: name });

describe('Function: trimDetail', () => {
  it('returns a detail that fits as it is', () => {
    // Prepare
    const detail = windowResult(3);

    // Act
    const trimmed = trimDetail(detail, 10_000);

    // Assess
    expect(trimmed).toBe(detail);
  });

  it('drops campaigns from the end, counts what it dropped and keeps the summary whole', () => {
    // Prepare
    const detail = windowResult(1_000);

    // Act
    const trimmed = trimDetail(detail, 20_000) as ReturnType<typeof windowResult> & { truncated: { campaigns: number } };

    // Assess
    expect(bytes(trimmed)).toBeLessThanOrEqual(20_000);
    expect(bytes(trimmed)).toBeGreaterThan(20_000 - bytes(campaign(999)) - 2);
    const kept = trimmed.campaigns.length;
    expect(kept).toBeGreaterThan(0);
    expect(trimmed.campaigns).toEqual(detail.campaigns.slice(0, kept));
    expect(trimmed.truncated).toEqual({ campaigns: 1_000 - kept });
    expect(trimmed.summary).toEqual(detail.summary);
    expect(detail.campaigns).toHaveLength(1_000);
  });

  it('trims the lists of a populate result, largest first, and keeps earlier truncation counts', () => {
    // Prepare
    const detail = {
      provider: 'kahuna',
      summary: { recipients: 500_000, invalid: 40_000, requests: 2_000 },
      requests: Array.from({ length: 2_000 }, (_, i) => ({ first: i * 250, last: i * 250 + 249, bytes: 123_456, jobId: `job-${i}`, status: 'DONE' })),
      invalidRecipients: Array.from({ length: 40_000 }, (_, i) => ({ line: i + 1, reason: 'k_to is missing' })),
      truncated: { invalidRecipients: 10 },
    };

    // Act
    const trimmed = trimDetail(detail, 100_000) as typeof detail & { truncated: Record<string, number> };

    // Assess
    expect(bytes(trimmed)).toBeLessThanOrEqual(100_000);
    expect(trimmed.requests.length).toBeGreaterThan(0);
    expect(trimmed.invalidRecipients.length).toBeGreaterThan(0);
    expect(trimmed.truncated).toEqual({
      requests: 2_000 - trimmed.requests.length,
      invalidRecipients: 40_000 - trimmed.invalidRecipients.length + 10,
    });
    expect(trimmed.summary).toEqual(detail.summary);
  });

  it('a Run Failed detail with a long list of problems is trimmed to fit, not refused', () => {
    // Prepare
    const issues = Array.from({ length: 100_000 }, (_, i) => ({ field: `select.ids[${i}]`, problem: 'must be a non-empty string, got an object' }));
    const detail = { action: 'pause', runId: 'run-1', error: 'invalid request', errorType: 'InvalidRequestError', retryable: false, issues };

    // Act
    const trimmed = trimDetail(detail, 250_000) as typeof detail & { truncated: Record<string, number> };

    // Assess
    expect(JSON.stringify(trimmed).length).toBeLessThanOrEqual(250_000);
    expect(trimmed.issues.length).toBeGreaterThan(0);
    expect(trimmed.truncated).toEqual({ issues: 100_000 - trimmed.issues.length });
    expect(trimmed.errorType).toBe('InvalidRequestError');
  });

  it('refuses a detail too large even without its lists', () => {
    // Prepare
    const detail = { error: 'x'.repeat(5_000), campaigns: [campaign(1)] };

    // Act
    const attempt = (): object => trimDetail(detail, 1_000);

    // Assess
    expect(attempt).toThrow(EventPublishError);
  });
});

describe('Adapter: EventBridgePublisher', () => {
  const sleep = vi.fn(async (_ms: number) => {});
  const publisher = (): EventBridgePublisher => new EventBridgePublisher({ eventBusName: BUS, client, sleep });

  beforeEach(() => {
    eventBridge.reset();
    sleep.mockClear();
  });

  it('an event never carries a credential the process has read, wherever in the detail it hides', async () => {
    // Prepare
    knownSecrets.add('pw-publisher-7f3e9a');
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const detail = { ...windowResult(1), error: 'vendor said: bad password pw-publisher-7f3e9a', campaigns: [{ ...campaign(1), name: 'pw-publisher-7f3e9a' }] };

    // Act
    await publisher().publish('Run Failed', detail);

    // Assess
    const sent = eventBridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!.Detail!;
    expect(sent).not.toContain('pw-publisher-7f3e9a');
    expect(JSON.parse(sent).error).toBe('vendor said: bad password [redacted]');
  });

  it('puts the result on the bus with the campaign-ops source and the detail type given', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const detail = windowResult(2);

    // Act
    await publisher().publish('Campaigns Paused', detail);

    // Assess
    expect(eventBridge).toHaveReceivedCommandExactlyOnceWith(PutEventsCommand, {
      Entries: [{ EventBusName: BUS, Source: 'campaign-ops', DetailType: 'Campaigns Paused', Detail: JSON.stringify(detail) }],
    });
    expect(sleep).not.toHaveBeenCalled();
  });

  it('keeps a large result under the 256 KB entry limit, margin included', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const detail = windowResult(5_000);

    // Act
    await publisher().publish('Campaigns Paused', detail);

    // Assess
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    const sent = JSON.parse(entry?.Detail ?? '{}') as ReturnType<typeof windowResult> & { truncated: { campaigns: number } };
    const entryBytes = ['campaign-ops', 'Campaigns Paused', entry?.Detail ?? ''].reduce((sum, part) => sum + Buffer.byteLength(part), 14);
    expect(entryBytes).toBeLessThanOrEqual(256 * 1024 - 2 * 1024);
    expect(entryBytes).toBeGreaterThan(256 * 1024 - 3 * 1024);
    expect(sent.truncated.campaigns + sent.campaigns.length).toBe(5_000);
    expect(sent.summary.selected).toBe(5_000);
  });

  it('tries a failed entry again with growing pauses', async () => {
    // Prepare
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }] })
      .rejectsOnce(serviceError('ThrottlingException', 400))
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

    // Act
    await publisher().publish('Campaigns Resumed', windowResult(1));

    // Assess
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 3);
    expect(sleep.mock.calls).toEqual([[200], [400]]);
  });

  it('fails after its attempts, saying what went wrong and nothing of the detail', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'oops' }] });
    const detail = { ...windowResult(1), note: 'do-not-echo-me' };

    // Act
    const attempt = publisher().publish('Campaigns Paused', detail);

    // Assess
    const error = await attempt.then(() => new Error('published'), (caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(EventPublishError);
    expect(error.message).toBe('publishing "Campaigns Paused" to event bus campaign-ops failed after 4 attempts (InternalFailure: oops)');
    expect(error.message).not.toContain('do-not-echo-me');
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 4);
    expect(sleep.mock.calls).toEqual([[200], [400], [800]]);
  });

  it('does not try again when the bus refuses for good', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).rejects(serviceError('ResourceNotFoundException', 400));

    // Act
    const attempt = publisher().publish('Campaigns Paused', windowResult(1));

    // Assess
    await expect(attempt).rejects.toThrow('publishing "Campaigns Paused" to event bus campaign-ops failed (ResourceNotFoundException)');
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });

  it('tries again after a server error', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).rejectsOnce(serviceError('InternalException', 500)).resolves({ FailedEntryCount: 0, Entries: [{}] });

    // Act
    await publisher().publish('Campaigns Paused', windowResult(1));

    // Assess
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 2);
  });
});
