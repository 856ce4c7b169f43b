/**
 * WindowStore and AccountLease on one DynamoDB table (pk, sk: strings; `expiresAt` is the TTL attribute).
 *
 *   WINDOWS#<provider>#<account> / <window>#<kind or ->#CAMPAIGN#<campaignId>   one entry of a window
 *   EDGES#<provider>#<account>   / <window>#<kind or ->                        when each edge last ran
 *   LOCK#<provider>#<account>    / LOCK                                        the account's lease
 *
 * Every window of an account shares one partition, so one Query (never a Scan) reads the holds of all
 * of them; one window is read with begins_with on its sort-key prefix. Window names, kinds, providers and
 * secret names cannot contain "#", so the parts cannot run into each other.
 *
 * Versions before 2026-12 kept each window in a partition of its own (WINDOW#<provider>#<account>#<window>
 * [#<kind>] / CAMPAIGN#<campaignId>). Reading a window moves its items from there into the account's
 * partition, so a window open across an upgrade still resumes what it paused.
 * A window's edges live in a partition of their own, so the account's Query of entries never meets them;
 * each edge's record is written only when its intended time is not earlier than the one recorded.
 * Every change is one conditional write, so concurrent runs of the same window can neither lose nor
 * double an entry: the rules are those of ../window-entries.ts, written as condition expressions.
 */
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
import { WindowEntryState } from '../../core/ports.js';
import { WindowAction } from '../../core/ports.js';
import type { AccountLease, AccountScope, AccountWindowEntry, EdgeRun, PauseIntent, WindowEdges, WindowEntry, WindowKey, WindowStore } from '../../core/ports.js';
import {
  ENTRY_TTL_DAYS_DEFAULT,
  WindowStateError,
  describeWindow,
  edgeTimeMs,
  entryFromIntent,
  expiryOf,
  isOpen,
  parseWindowEdges,
  parseWindowEntry,
} from '../window-entries.js';

interface DynamoDbWindowStoreOptions {
  readonly tableName: string;
  /** A configured client; the module's shared default client otherwise. */
  readonly client?: DynamoDBClient;
  /** TTL of pausing/paused entries; default 35 days. */
  readonly openEntryTtlDays?: number;
  /** TTL of resumed entries; default 14 days. */
  readonly resumedEntryTtlDays?: number;
  /** Epoch milliseconds, for leases; injectable for tests. */
  readonly now?: () => number;
}

type Item = Record<string, AttributeValue>;

/** A lease item outlives its expiry by a day before TTL removes it, so an expired lease is still readable. */
const LEASE_RETENTION_SECONDS = 24 * 60 * 60;
/** beginPause retries when the entry it lost to vanished or was given back in between. */
const BEGIN_PAUSE_ATTEMPTS = 5;

let sharedClient: DynamoDBClient | undefined;
const defaultDynamoDbClient = (): DynamoDBClient => (sharedClient ??= new DynamoDBClient({}));

const accountPk = (scope: AccountScope): string => `WINDOWS#${scope.provider}#${scope.account}`;
/** Where a sort key says "the vendor's default kind", which has no kind in its WindowKey. */
const DEFAULT_KIND = '-';
/** A window's sort-key prefix; ids of two kinds may be equal, so the kind is part of it. */
const windowPrefix = (key: WindowKey): string => `${key.window}#${key.kind ?? DEFAULT_KIND}#CAMPAIGN#`;
/**
 * Where a window's entries were kept before every window of an account shared one partition. Earlier
 * versions had no kinds, so only the default kind has such a partition.
 */
const legacyWindowPk = (key: WindowKey): string => `WINDOW#${key.provider}#${key.account}#${key.window}`;
/** The most pages one Query reads: 100 pages of up to 1 MB is far beyond any account's window state. */
const MAX_QUERY_PAGES = 100;
/** One item per window key: the last run of each of its edges. */
const edgesKey = (key: WindowKey): Item => ({ pk: s(`EDGES#${key.provider}#${key.account}`), sk: s(`${key.window}#${key.kind ?? DEFAULT_KIND}`) });
const itemKey = (key: WindowKey, campaignId: string): Item => ({ pk: s(accountPk(key)), sk: s(`${windowPrefix(key)}${campaignId}`) });
// A lease's item keeps its LOCK keys: tables already deployed hold leases under them.
const leasePk = (scope: { provider: string; account: string }): string => `LOCK#${scope.provider}#${scope.account}`;
const LEASE_SK = 'LOCK';

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

const toItem = (key: WindowKey, entry: WindowEntry, expiresAt: number): Item => ({
  ...itemKey(key, entry.campaignId),
  campaignId: s(entry.campaignId),
  name: s(entry.name),
  before: s(entry.before),
  beforeVendorStatus: s(entry.beforeVendorStatus),
  state: s(entry.state),
  runId: s(entry.runId),
  updatedAt: s(entry.updatedAt),
  ...(entry.heldWith !== undefined ? { heldWith: s(entry.heldWith) } : {}),
  expiresAt: n(expiresAt),
});

const fromItem = (item: Item): WindowEntry => {
  const plain: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) plain[name] = value.S ?? value.N;
  return parseWindowEntry(plain, `window item ${String(item['pk']?.S)}/${String(item['sk']?.S)}`);
};

const isConditionFailure = (error: unknown): error is ConditionalCheckFailedException =>
  error instanceof ConditionalCheckFailedException ||
  (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'ConditionalCheckFailedException');

class DynamoDbWindowStore implements WindowStore, AccountLease {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #ttlDays: { readonly open: number; readonly resumed: number };
  readonly #now: () => number;

  constructor(options: DynamoDbWindowStoreOptions) {
    this.#client = options.client ?? defaultDynamoDbClient();
    this.#table = options.tableName;
    this.#ttlDays = {
      open: options.openEntryTtlDays ?? ENTRY_TTL_DAYS_DEFAULT.open,
      resumed: options.resumedEntryTtlDays ?? ENTRY_TTL_DAYS_DEFAULT.resumed,
    };
    this.#now = options.now ?? Date.now;
  }

  async beginPause(key: WindowKey, intent: PauseIntent): Promise<WindowEntry> {
    const entry = entryFromIntent(intent);
    const item = toItem(key, entry, this.#expiry(entry));
    for (let attempt = 1; attempt <= BEGIN_PAUSE_ATTEMPTS; attempt += 1) {
      try {
        await this.#client.send(
          new PutItemCommand({
            TableName: this.#table,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk) OR #state = :resumed',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':resumed': s(WindowEntryState.resumed) },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return entry;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // An open entry is there: it wins. The failure usually carries it; read it when it does not.
        const existing = error.Item !== undefined ? fromItem(error.Item) : await this.#get(key, intent.campaignId);
        if (existing !== undefined && isOpen(existing)) return existing;
        // Forgotten or given back since the put was refused: try again.
      }
    }
    throw new WindowStateError(
      `window ${describeWindow(key)}: campaign ${intent.campaignId}'s entry kept changing under concurrent runs`,
    );
  }

  async confirmPaused(key: WindowKey, campaignId: string, at: string): Promise<void> {
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: itemKey(key, campaignId),
          UpdateExpression: 'SET #state = :paused, updatedAt = :at, expiresAt = :expiresAt',
          ConditionExpression: '#state IN (:pausing, :paused)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':paused': s(WindowEntryState.paused),
            ':pausing': s(WindowEntryState.pausing),
            ':at': s(at),
            ':expiresAt': n(this.#expiry({ state: WindowEntryState.paused, updatedAt: at })),
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new WindowStateError(
        `window ${describeWindow(key)} has no open entry for campaign ${campaignId} ` +
          '(it is gone or was resumed): the pause is not recorded',
        { cause: error },
      );
    }
  }

  async forget(key: WindowKey, campaignId: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteItemCommand({
          TableName: this.#table,
          Key: itemKey(key, campaignId),
          ConditionExpression: '#state = :pausing',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pausing': s(WindowEntryState.pausing) },
        }),
      );
    } catch (error) {
      // Confirmed, resumed or gone: not ours to drop.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async markResumed(key: WindowKey, campaignId: string, at: string, reason?: string): Promise<void> {
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: itemKey(key, campaignId),
          UpdateExpression: `SET #state = :resumed, updatedAt = :at, expiresAt = :expiresAt${reason !== undefined ? ', closedReason = :reason' : ''}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':resumed': s(WindowEntryState.resumed),
            ':at': s(at),
            ':expiresAt': n(this.#expiry({ state: WindowEntryState.resumed, updatedAt: at })),
            ...(reason !== undefined ? { ':reason': s(reason) } : {}),
          },
        }),
      );
    } catch (error) {
      // No entry: nothing to give back, and an update must not create a half entry.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async list(key: WindowKey): Promise<WindowEntry[]> {
    await this.#adoptLegacyItems(key);
    const items = await this.#query('pk = :pk AND begins_with(sk, :prefix)', { ':pk': s(accountPk(key)), ':prefix': s(windowPrefix(key)) });
    return items.map(fromItem);
  }

  async listAccount(scope: AccountScope): Promise<AccountWindowEntry[]> {
    const items = await this.#query('pk = :pk', { ':pk': s(accountPk(scope)) });
    return items.map((item) => {
      const sk = item['sk']?.S ?? '';
      const [window, kind] = sk.split('#');
      if (window === undefined || kind === undefined || !sk.startsWith(`${window}#${kind}#CAMPAIGN#`)) {
        throw new WindowStateError(`window item ${String(item['pk']?.S)}/${sk}: the sort key does not name a window`);
      }
      return { window, ...(kind !== DEFAULT_KIND ? { kind } : {}), entry: fromItem(item) };
    });
  }

  async edges(key: WindowKey): Promise<WindowEdges> {
    const output = await this.#client.send(new GetItemCommand({ TableName: this.#table, Key: edgesKey(key), ConsistentRead: true }));
    const item = output.Item ?? {};
    const raw: Record<string, unknown> = {};
    for (const action of Object.values(WindowAction)) {
      if (item[`${action}At`] === undefined) continue;
      raw[action] = { at: item[`${action}At`]?.S, runId: item[`${action}RunId`]?.S, ranAt: item[`${action}RanAt`]?.S };
    }
    return parseWindowEdges(raw, `edges item ${String(edgesKey(key)['pk']?.S)}/${String(edgesKey(key)['sk']?.S)}`);
  }

  async recordEdge(key: WindowKey, action: WindowAction, run: EdgeRun): Promise<void> {
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: edgesKey(key),
          UpdateExpression: 'SET #at = :at, #atMs = :atMs, #runId = :runId, #ranAt = :ranAt, expiresAt = :expiresAt',
          // A later intended time is never overwritten by an earlier one.
          ConditionExpression: 'attribute_not_exists(#atMs) OR #atMs <= :atMs',
          ExpressionAttributeNames: { '#at': `${action}At`, '#atMs': `${action}AtMs`, '#runId': `${action}RunId`, '#ranAt': `${action}RanAt` },
          ExpressionAttributeValues: {
            ':at': s(run.at),
            ':atMs': n(edgeTimeMs(run)),
            ':runId': s(run.runId),
            ':ranAt': s(run.ranAt),
            ':expiresAt': n(this.#expiry({ state: WindowEntryState.paused, updatedAt: run.ranAt })),
          },
        }),
      );
    } catch (error) {
      // A later run of this edge is recorded: it stands.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async acquire(scope: { provider: string; account: string }, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    const expiresAtMs = now + ttlMs;
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: {
            pk: s(leasePk(scope)),
            sk: s(LEASE_SK),
            holder: s(holder),
            expiresAtMs: n(expiresAtMs),
            expiresAt: n(Math.ceil(expiresAtMs / 1000) + LEASE_RETENTION_SECONDS),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs < :now OR holder = :holder',
          ExpressionAttributeValues: { ':now': n(now), ':holder': s(holder) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async release(scope: { provider: string; account: string }, holder: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteItemCommand({
          TableName: this.#table,
          Key: { pk: s(leasePk(scope)), sk: s(LEASE_SK) },
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: { ':holder': s(holder) },
        }),
      );
    } catch (error) {
      // Someone else holds it now (ours expired), or it is gone: either way not ours to delete.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async #get(key: WindowKey, campaignId: string): Promise<WindowEntry | undefined> {
    const output = await this.#client.send(
      new GetItemCommand({
        TableName: this.#table,
        Key: itemKey(key, campaignId),
        ConsistentRead: true,
      }),
    );
    return output.Item === undefined ? undefined : fromItem(output.Item);
  }

  /**
   * Moves the window's items from the layout of earlier versions into the account's partition: copied
   * unless an entry is already there (the newer one wins), then deleted. Safe to repeat after a crash.
   */
  async #adoptLegacyItems(key: WindowKey): Promise<void> {
    if (key.kind !== undefined) return;
    for (const legacy of await this.#query('pk = :pk', { ':pk': s(legacyWindowPk(key)) })) {
      const entry = fromItem(legacy);
      const expiresAt = Number(legacy['expiresAt']?.N ?? this.#expiry(entry));
      try {
        await this.#client.send(
          new PutItemCommand({ TableName: this.#table, Item: toItem(key, entry, expiresAt), ConditionExpression: 'attribute_not_exists(pk)' }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      await this.#client.send(new DeleteItemCommand({ TableName: this.#table, Key: { pk: legacy['pk']!, sk: legacy['sk']! } }));
    }
  }

  /** Every item of a Query, page after page; consistent, so a run sees what the run before it wrote. */
  async #query(condition: string, values: Item): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    let pages = 0;
    do {
      pages += 1;
      if (pages > MAX_QUERY_PAGES) throw new WindowStateError(`${String(values[':pk']?.S)}: more than ${MAX_QUERY_PAGES} pages of window state`);
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: condition,
          ExpressionAttributeValues: values,
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  #expiry(entry: Pick<WindowEntry, 'state' | 'updatedAt'>): number {
    return expiryOf(entry, this.#ttlDays, this.#now());
  }
}

export { DynamoDbWindowStore, leasePk };
export type { DynamoDbWindowStoreOptions };
