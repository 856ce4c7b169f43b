/**
 * EventBridgePublisher against moto: a custom bus with a pattern rule that sends campaign-ops events to an
 * SQS queue, read back to see what a subscriber would get. (Only pattern rules with SQS targets: see
 * TOOLING-NOTES.md for what breaks PutEvents on moto.)
 */
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher } from '../../functions/adapters/aws/eventbridge-publisher.js';
import { EVENTS } from '../../functions/settings.js';
import { motoClientConfig, startMoto } from '../support/moto.js';
import type { Moto } from '../support/moto.js';

const BUS = 'campaign-ops-results';
let moto: Moto;
let eventBridge: EventBridgeClient;
let sqs: SQSClient;
let queueUrl: string;

interface Envelope {
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
}

const receiveOne = async (): Promise<Envelope> => {
  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  expect(Messages).toHaveLength(1);
  return JSON.parse(Messages?.[0]?.Body ?? '{}') as Envelope;
};

beforeAll(async () => {
  moto = await startMoto();
  eventBridge = new EventBridgeClient(motoClientConfig(moto.endpoint));
  sqs = new SQSClient(motoClientConfig(moto.endpoint));
});

afterAll(async () => {
  eventBridge?.destroy();
  sqs?.destroy();
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  await eventBridge.send(new CreateEventBusCommand({ Name: BUS }));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'campaign-ops-results' }))).QueueUrl ?? '';
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  await eventBridge.send(
    new PutRuleCommand({ Name: 'results-to-queue', EventBusName: BUS, EventPattern: JSON.stringify({ source: [EVENTS.source] }) }),
  );
  await eventBridge.send(
    new PutTargetsCommand({ Rule: 'results-to-queue', EventBusName: BUS, Targets: [{ Id: 'queue', Arn: Attributes?.['QueueArn'] ?? '' }] }),
  );
});

const campaign = (i: number) => ({
  id: String(1_000_000 + i),
  name: `Campaign ${i} ${'x'.repeat(120)}`,
  before: 'running',
  after: 'paused',
  outcome: 'changed',
  detail: '',
});

describe('Adapter: EventBridgePublisher on moto', () => {
  it('puts the result on the bus where a subscriber receives it whole', async () => {
    // Prepare
    const publisher = new EventBridgePublisher({ eventBusName: BUS, client: eventBridge });
    const detail = {
      action: 'pause',
      window: 'nightly',
      summary: { selected: 2, changed: 2, unchanged: 0, rejected: 0, failed: 0 },
      campaigns: [campaign(1), campaign(2)],
    };

    // Act
    await publisher.publish(EVENTS.campaignsPaused, detail);

    // Assess
    const event = await receiveOne();
    expect(event).toMatchObject({ source: 'campaign-ops', 'detail-type': 'Campaigns Paused', detail });
  });

  it('trims a large result so it still arrives, with its counts whole', async () => {
    // Prepare
    const publisher = new EventBridgePublisher({ eventBusName: BUS, client: eventBridge });
    const detail = {
      action: 'pause',
      summary: { selected: 5_000, changed: 5_000, unchanged: 0, rejected: 0, failed: 0 },
      campaigns: Array.from({ length: 5_000 }, (_, i) => campaign(i)),
    };

    // Act
    await publisher.publish(EVENTS.campaignsPaused, detail);

    // Assess
    const event = await receiveOne();
    const received = event.detail as typeof detail & { truncated: { campaigns: number } };
    expect(received.summary).toEqual(detail.summary);
    // moto does not enforce the entry limit, so check what arrived against it here.
    expect(Buffer.byteLength(JSON.stringify(received))).toBeLessThanOrEqual(256 * 1024 - 2 * 1024);
    expect(received.campaigns.length).toBeGreaterThan(1_000);
    expect(received.campaigns.length + received.truncated.campaigns).toBe(5_000);
    expect(received.campaigns).toEqual(detail.campaigns.slice(0, received.campaigns.length));
  });
});
