import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbWindowStore } from '../../functions/adapters/aws/dynamodb-window-store.js';
import { WindowStateError } from '../../functions/adapters/window-entries.js';

const client = new DynamoDBClient({ region: 'us-east-1' });
const dynamo = mockClient(client);
const TABLE = 'campaign-ops-windows';
const KEY = { provider: 'deltadna', account: 'campaign-ops/deltaslot-live', window: 'nightly' };
const PK = 'WINDOWS#deltadna#campaign-ops/deltaslot-live';
const SK_PREFIX = 'nightly#-#CAMPAIGN#';
const AT = '2026-11-22T21:00:00.000Z';
const AT_SECONDS = Date.parse(AT) / 1000;
const DAY = 86_400;
const INTENT = {
  campaignId: '34751',
  name: 'Promo Black Friday',
  before: 'running',
  beforeVendorStatus: 'ACTIVE',
  runId: 'run-1',
  at: AT,
} as const;

const item = (overrides: Record<string, string> = {}): Record<string, AttributeValue> => {
  const fields = { ...INTENT, state: 'pausing', updatedAt: AT, ...overrides };
  return {
    pk: { S: PK },
    sk: { S: `${SK_PREFIX}${fields.campaignId}` },
    campaignId: { S: fields.campaignId },
    name: { S: fields.name },
    before: { S: fields.before },
    beforeVendorStatus: { S: fields.beforeVendorStatus },
    state: { S: fields.state },
    runId: { S: fields.runId },
    updatedAt: { S: fields.updatedAt },
    expiresAt: { N: String(AT_SECONDS + 35 * DAY) },
  };
};

const conditionFailed = (old?: Record<string, AttributeValue>): ConditionalCheckFailedException =>
  new ConditionalCheckFailedException({ $metadata: {}, message: 'The conditional request failed', Item: old });

describe('Adapter: DynamoDbWindowStore', () => {
  let clockMs: number;
  const store = (options: { openEntryTtlDays?: number; resumedEntryTtlDays?: number } = {}): DynamoDbWindowStore =>
    new DynamoDbWindowStore({ tableName: TABLE, client, now: () => clockMs, ...options });

  beforeEach(() => {
    dynamo.reset();
    clockMs = Date.parse('2026-11-22T21:00:05.000Z');
  });

  describe('beginPause', () => {
    it('puts a pausing entry unless an open one is there, with a 35-day expiry', async () => {
      // Prepare
      dynamo.on(PutItemCommand).resolves({});

      // Act
      const entry = await store().beginPause(KEY, INTENT);

      // Assess
      expect(entry).toEqual({ ...INTENT, at: undefined, state: 'pausing', updatedAt: AT });
      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutItemCommand, {
        TableName: TABLE,
        Item: item(),
        ConditionExpression: 'attribute_not_exists(pk) OR #state = :resumed',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':resumed': { S: 'resumed' } },
      });
    });

    it('returns the open entry that refused the put, as the refusal carries it', async () => {
      // Prepare
      const first = item({ runId: 'run-0', before: 'scheduled', beforeVendorStatus: 'SCHEDULED', state: 'paused' });
      dynamo.on(PutItemCommand).rejects(conditionFailed(first));

      // Act
      const entry = await store().beginPause(KEY, INTENT);

      // Assess
      expect(entry).toMatchObject({ runId: 'run-0', before: 'scheduled', state: 'paused' });
      expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
      expect(dynamo).not.toHaveReceivedCommand(GetItemCommand);
    });

    it('reads the open entry with a consistent read when the refusal does not carry it', async () => {
      // Prepare
      dynamo.on(PutItemCommand).rejects(conditionFailed());
      dynamo.on(GetItemCommand).resolves({ Item: item({ runId: 'run-0' }) });

      // Act
      const entry = await store().beginPause(KEY, INTENT);

      // Assess
      expect(entry).toMatchObject({ runId: 'run-0', state: 'pausing' });
      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(GetItemCommand, {
        TableName: TABLE,
        Key: { pk: { S: PK }, sk: { S: `${SK_PREFIX}34751` } },
        ConsistentRead: true,
      });
    });

    it('tries again when the entry that refused the put is gone by the time it is read', async () => {
      // Prepare
      dynamo.on(PutItemCommand).rejectsOnce(conditionFailed()).resolves({});
      dynamo.on(GetItemCommand).resolves({});

      // Act
      const entry = await store().beginPause(KEY, INTENT);

      // Assess
      expect(entry).toMatchObject({ runId: 'run-1', state: 'pausing' });
      expect(dynamo).toHaveReceivedCommandTimes(PutItemCommand, 2);
    });

    it('gives up with a WindowStateError when the entry keeps changing', async () => {
      // Prepare
      dynamo.on(PutItemCommand).rejects(conditionFailed());
      dynamo.on(GetItemCommand).resolves({ Item: item({ state: 'resumed' }) });

      // Act
      const attempt = store().beginPause(KEY, INTENT);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(WindowStateError);
      expect(dynamo).toHaveReceivedCommandTimes(PutItemCommand, 5);
    });

    it('passes on any other failure', async () => {
      // Prepare
      dynamo.on(PutItemCommand).rejects(new Error('ProvisionedThroughputExceededException'));

      // Act
      const attempt = store().beginPause(KEY, INTENT);

      // Assess
      await expect(attempt).rejects.toThrow('ProvisionedThroughputExceededException');
    });
  });

  describe('confirmPaused, forget, markResumed', () => {
    it('confirms only a pausing or paused entry', async () => {
      // Prepare
      dynamo.on(UpdateItemCommand).resolves({});
      const at = '2026-11-22T21:00:01.000Z';

      // Act
      await store().confirmPaused(KEY, '34751', at);

      // Assess
      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(UpdateItemCommand, {
        TableName: TABLE,
        Key: { pk: { S: PK }, sk: { S: `${SK_PREFIX}34751` } },
        UpdateExpression: 'SET #state = :paused, updatedAt = :at, expiresAt = :expiresAt',
        ConditionExpression: '#state IN (:pausing, :paused)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':paused': { S: 'paused' },
          ':pausing': { S: 'pausing' },
          ':at': { S: at },
          ':expiresAt': { N: String(AT_SECONDS + 1 + 35 * DAY) },
        },
      });
    });

    it('says the pause is not recorded when the entry is gone or resumed', async () => {
      // Prepare
      dynamo.on(UpdateItemCommand).rejects(conditionFailed());

      // Act
      const attempt = store().confirmPaused(KEY, '34751', AT);

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(WindowStateError);
      await expect(attempt).rejects.toThrow(
        'window deltadna/campaign-ops/deltaslot-live/nightly has no open entry for campaign 34751',
      );
    });

    it('forgets only a pausing entry and takes a refusal quietly', async () => {
      // Prepare
      dynamo.on(DeleteItemCommand).rejects(conditionFailed());

      // Act
      await store().forget(KEY, '34751');

      // Assess
      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(DeleteItemCommand, {
        TableName: TABLE,
        Key: { pk: { S: PK }, sk: { S: `${SK_PREFIX}34751` } },
        ConditionExpression: '#state = :pausing',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':pausing': { S: 'pausing' } },
      });
    });

    it('marks an existing entry resumed with a 14-day expiry, and creates none', async () => {
      // Prepare
      dynamo.on(UpdateItemCommand).resolvesOnce({}).rejects(conditionFailed());

      // Act
      await store().markResumed(KEY, '34751', AT);
      await store().markResumed(KEY, 'never-paused', AT);

      // Assess
      expect(dynamo).toHaveReceivedNthCommandWith(UpdateItemCommand, 1, {
        UpdateExpression: 'SET #state = :resumed, updatedAt = :at, expiresAt = :expiresAt',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':resumed': { S: 'resumed' },
          ':at': { S: AT },
          ':expiresAt': { N: String(AT_SECONDS + 14 * DAY) },
        },
      });
    });

    it('takes other expiry periods', async () => {
      // Prepare
      dynamo.on(PutItemCommand).resolves({});
      dynamo.on(UpdateItemCommand).resolves({});
      const shortLived = store({ openEntryTtlDays: 2, resumedEntryTtlDays: 1 });

      // Act
      await shortLived.beginPause(KEY, INTENT);
      await shortLived.markResumed(KEY, '34751', AT);

      // Assess
      expect(dynamo).toHaveReceivedCommandWith(PutItemCommand, {
        Item: expect.objectContaining({ expiresAt: { N: String(AT_SECONDS + 2 * DAY) } }),
      });
      expect(dynamo).toHaveReceivedCommandWith(UpdateItemCommand, {
        ExpressionAttributeValues: expect.objectContaining({ ':expiresAt': { N: String(AT_SECONDS + DAY) } }),
      });
    });
  });

  describe('list', () => {
    it("queries the window's sort-key prefix in the account's partition with consistent reads, page after page", async () => {
      // Prepare
      const lastKey = { pk: { S: PK }, sk: { S: `${SK_PREFIX}1` } };
      dynamo.on(QueryCommand).resolves({ Items: [] });
      dynamo
        .on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: PK }, ':prefix': { S: SK_PREFIX } } })
        .resolvesOnce({ Items: [item({ campaignId: '1' })], LastEvaluatedKey: lastKey })
        .resolvesOnce({ Items: [item({ campaignId: '2', state: 'resumed' })] });

      // Act
      const entries = await store().list(KEY);

      // Assess
      expect(entries.map((entry) => [entry.campaignId, entry.state])).toEqual([
        ['1', 'pausing'],
        ['2', 'resumed'],
      ]);
      expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': { S: PK }, ':prefix': { S: SK_PREFIX } },
        ConsistentRead: true,
        ExclusiveStartKey: undefined,
      });
      expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: PK }, ':prefix': { S: SK_PREFIX } }, ExclusiveStartKey: lastKey });
      expect(dynamo).not.toHaveReceivedCommand(PutItemCommand);
    });

    it('moves a window kept in the layout of earlier versions into the account partition, the newer entry winning', async () => {
      // Prepare: two legacy items; campaign 2 already has an entry in the new layout.
      const legacyPk = 'WINDOW#deltadna#campaign-ops/deltaslot-live#nightly';
      const legacy = (campaignId: string) => ({ ...item({ campaignId }), pk: { S: legacyPk }, sk: { S: `CAMPAIGN#${campaignId}` } });
      dynamo.on(QueryCommand).resolves({ Items: [] });
      dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: legacyPk } } }).resolves({ Items: [legacy('1'), legacy('2')] });
      dynamo.on(PutItemCommand).resolvesOnce({}).rejectsOnce(conditionFailed());

      // Act
      await store().list(KEY);

      // Assess
      expect(dynamo).toHaveReceivedCommandTimes(PutItemCommand, 2);
      expect(dynamo).toHaveReceivedNthCommandWith(PutItemCommand, 1, {
        Item: expect.objectContaining({ pk: { S: PK }, sk: { S: `${SK_PREFIX}1` }, expiresAt: { N: String(AT_SECONDS + 35 * DAY) } }),
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      expect(dynamo).toHaveReceivedCommandTimes(DeleteItemCommand, 2);
      expect(dynamo).toHaveReceivedCommandWith(DeleteItemCommand, { Key: { pk: { S: legacyPk }, sk: { S: 'CAMPAIGN#2' } } });
    });

    it('reads every window of the account with one Query of its partition, never a Scan, kinds told apart', async () => {
      // Prepare
      dynamo.on(QueryCommand).resolves({
        Items: [
          item({ campaignId: '1' }),
          { ...item({ campaignId: '1' }), sk: { S: 'freeze#decision-point#CAMPAIGN#1' }, heldWith: { S: 'nightly' } },
        ],
      });

      // Act
      const listed = await store().listAccount({ provider: KEY.provider, account: KEY.account });

      // Assess
      expect(listed).toEqual([
        { window: 'nightly', entry: expect.objectContaining({ campaignId: '1' }) },
        { window: 'freeze', kind: 'decision-point', entry: expect.objectContaining({ campaignId: '1', heldWith: 'nightly' }) },
      ]);
      expect(dynamo).toHaveReceivedCommandTimes(QueryCommand, 1);
      expect(dynamo).toHaveReceivedCommandWith(QueryCommand, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: PK } },
        ConsistentRead: true,
      });
    });

    it('names the item it cannot read', async () => {
      // Prepare
      dynamo.on(QueryCommand).resolves({ Items: [] });
      dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':pk': { S: PK }, ':prefix': { S: SK_PREFIX } } }).resolves({ Items: [{ ...item(), state: { S: 'lost' } }] });

      // Act
      const attempt = store().list(KEY);

      // Assess
      await expect(attempt).rejects.toThrow(`window item ${PK}/${SK_PREFIX}34751: entry state "lost" is unknown`);
    });
  });

  describe('AccountLease', () => {
    const scope = { provider: 'ocamba', account: 'campaign-ops/hood' };

    it('acquires the lease with one conditional put', async () => {
      // Prepare
      dynamo.on(PutItemCommand).resolves({});

      // Act
      const granted = await store().acquire(scope, 'run-1', 60_000);

      // Assess
      expect(granted).toBe(true);
      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(PutItemCommand, {
        TableName: TABLE,
        Item: {
          pk: { S: 'LOCK#ocamba#campaign-ops/hood' },
          sk: { S: 'LOCK' },
          holder: { S: 'run-1' },
          expiresAtMs: { N: String(clockMs + 60_000) },
          expiresAt: { N: String(Math.ceil((clockMs + 60_000) / 1000) + DAY) },
        },
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs < :now OR holder = :holder',
        ExpressionAttributeValues: { ':now': { N: String(clockMs) }, ':holder': { S: 'run-1' } },
      });
    });

    it('answers false when another holder has it', async () => {
      // Prepare
      dynamo.on(PutItemCommand).rejects(conditionFailed());

      // Act
      const granted = await store().acquire(scope, 'run-2', 60_000);

      // Assess
      expect(granted).toBe(false);
    });

    it('releases only its own lease, quietly when it is not', async () => {
      // Prepare
      dynamo.on(DeleteItemCommand).rejects(conditionFailed());

      // Act
      await store().release(scope, 'run-1');

      // Assess
      expect(dynamo).toHaveReceivedCommandExactlyOnceWith(DeleteItemCommand, {
        TableName: TABLE,
        Key: { pk: { S: 'LOCK#ocamba#campaign-ops/hood' }, sk: { S: 'LOCK' } },
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': { S: 'run-1' } },
      });
    });
  });
});
