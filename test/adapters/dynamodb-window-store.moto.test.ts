/** DynamoDbWindowStore against moto: the shared store contract on a real table, and the TTL attribute. */
import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbWindowStore } from '../../functions/adapters/aws/dynamodb-window-store.js';
import { motoClientConfig, startMoto } from '../support/moto.js';
import type { Moto } from '../support/moto.js';
import { windowStoreContract } from './window-store-contract.js';

const TABLE = 'campaign-ops-windows';
let moto: Moto;
let client: DynamoDBClient;

beforeAll(async () => {
  moto = await startMoto();
  client = new DynamoDBClient(motoClientConfig(moto.endpoint));
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: TABLE, TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } }),
  );
});

afterAll(async () => {
  client?.destroy();
  await moto?.stop();
});

// Every contract test uses an account of its own, so they share the table.
windowStoreContract('DynamoDbWindowStore on moto', (now) => new DynamoDbWindowStore({ tableName: TABLE, client, now }));

describe('Adapter: DynamoDbWindowStore on moto', () => {
  it('writes entries the table expires through its TTL attribute', async () => {
    // Prepare
    const store = new DynamoDbWindowStore({ tableName: TABLE, client });
    const key = { provider: 'deltadna', account: `campaign-ops/${randomUUID()}`, window: 'nightly' };
    const at = '2026-11-22T21:00:00.000Z';

    // Act
    await store.beginPause(key, { campaignId: '34751', name: 'Promo', before: 'running', beforeVendorStatus: 'ACTIVE', runId: 'run-1', at });
    await store.markResumed(key, '34751', '2026-11-23T05:00:00.000Z');

    // Assess
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
    const { Item } = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: `WINDOWS#deltadna#${key.account}` }, sk: { S: 'nightly#-#CAMPAIGN#34751' } } }),
    );
    expect(Item).toMatchObject({
      state: { S: 'resumed' },
      expiresAt: { N: String(Date.parse('2026-11-23T05:00:00.000Z') / 1000 + 14 * 86_400) },
    });
  });

  it('a window paused by an earlier version (its own partition) is read, moved into the account partition, and resumed', async () => {
    // Prepare: what the previous layout wrote at 22:00, before the upgrade.
    const store = new DynamoDbWindowStore({ tableName: TABLE, client });
    const account = `campaign-ops/${randomUUID()}`;
    const key = { provider: 'ocamba', account, window: 'nightly' };
    const legacy = { pk: { S: `WINDOW#ocamba#${account}#nightly` }, sk: { S: 'CAMPAIGN#1000248' } };
    await client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          ...legacy,
          campaignId: { S: '1000248' },
          name: { S: 'Black Friday' },
          before: { S: 'running' },
          beforeVendorStatus: { S: 'running' },
          state: { S: 'paused' },
          runId: { S: 'run-old' },
          updatedAt: { S: '2026-11-22T21:00:00.000Z' },
          expiresAt: { N: '1900000000' },
        },
      }),
    );

    // Act
    const listed = await store.list(key);
    const ofAccount = await store.listAccount({ provider: 'ocamba', account });
    await store.markResumed(key, '1000248', '2026-11-23T05:00:00.000Z');

    // Assess
    expect(listed).toEqual([expect.objectContaining({ campaignId: '1000248', state: 'paused', before: 'running', runId: 'run-old' })]);
    expect(ofAccount).toEqual([{ window: 'nightly', entry: expect.objectContaining({ campaignId: '1000248' }) }]);
    expect((await client.send(new GetItemCommand({ TableName: TABLE, Key: legacy }))).Item).toBeUndefined();
    expect(await store.list(key)).toEqual([expect.objectContaining({ state: 'resumed' })]);
  });
});
