/**
 * ResultPublisher on EventBridge: one PutEvents entry per result, trimmed to the 256 KB entry limit, retried
 * when EventBridge reports the entry failed or throttles.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENTS } from '../../settings.js';
import { CampaignOpsError, ExitStatus } from '../../core/errors.js';
import { silentLog } from '../../core/ports.js';
import { knownSecrets } from '../../core/redact.js';
import type { Log, ResultPublisher } from '../../core/ports.js';

/** The result could not be put on the bus. Carries no detail content. */
class EventPublishError extends CampaignOpsError {
  constructor(message: string, options?: ErrorOptions & { retryable?: boolean }) {
    super(message, { code: 'EVENT_PUBLISH', retryable: options?.retryable ?? false, exitStatus: ExitStatus.failed }, options);
    this.name = 'EventPublishError';
  }
}

interface EventBridgePublisherOptions {
  /** Name or ARN of the bus. */
  readonly eventBusName: string;
  readonly client?: EventBridgeClient;
  /** Attempts in all, the first included; default 4. */
  readonly maxAttempts?: number;
  /** First backoff; doubled after each failed attempt. Default 200 ms. */
  readonly baseDelayMs?: number;
  /** Injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Budget for the whole entry (Source + DetailType + Detail + Time); default 256 KiB less a 2 KiB margin. */
  readonly maxEntryBytes?: number;
  /** Told when a detail is trimmed or an attempt fails (never the detail itself). */
  readonly log?: Log;
}

/** EventBridge's limit per PutEvents entry. */
const ENTRY_LIMIT_BYTES = 256 * 1024;
const ENTRY_MARGIN_BYTES = 2 * 1024;
/** EventBridge counts a Time field as 14 bytes whether or not it is given. */
const TIME_BYTES = 14;
/** Lists a result (or a Run Failed's problems) may be cut short in, last entries first. `summary` is never touched. */
const TRIMMABLE_LISTS = ['campaigns', 'requests', 'invalidRecipients', 'issues'] as const;

const RETRYABLE_ERRORS: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'InternalException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
]);

const bytesOf = (text: string): number => Buffer.byteLength(text, 'utf8');
const jsonBytes = (value: unknown): number => bytesOf(JSON.stringify(value) ?? 'null');

interface TrimmableList {
  readonly field: (typeof TRIMMABLE_LISTS)[number];
  readonly items: readonly unknown[];
  readonly sizes: readonly number[];
  kept: number;
  /** Bytes of the kept items as JSON array content: items plus the commas between them. */
  bytes: number;
}

/**
 * The detail itself when its JSON fits in `maxBytes`; otherwise a copy with entries dropped from the end
 * of its lists (largest list first) and `truncated: { <list>: <omitted count> }` added.
 * Throws when even empty lists do not fit.
 */
const trimDetail = (detail: object, maxBytes: number): object => {
  if (jsonBytes(detail) <= maxBytes) return detail;
  const source = detail as Record<string, unknown>;
  const lists: TrimmableList[] = TRIMMABLE_LISTS.flatMap((field) => {
    const items = source[field];
    if (!Array.isArray(items)) return [];
    const sizes = items.map((item: unknown) => jsonBytes(item));
    const bytes = sizes.reduce((sum, size) => sum + size, 0) + Math.max(items.length - 1, 0);
    return [{ field, items, sizes, kept: items.length, bytes }];
  });

  const earlier = source['truncated'];
  const build = (keptOf: (list: TrimmableList) => number): Record<string, unknown> => {
    const truncated: Record<string, unknown> =
      typeof earlier === 'object' && earlier !== null ? { ...(earlier as Record<string, unknown>) } : {};
    const trimmed: Record<string, unknown> = { ...source };
    for (const list of lists) {
      const kept = keptOf(list);
      trimmed[list.field] = list.items.slice(0, kept);
      const omitted = list.items.length - kept;
      const omittedBefore = truncated[list.field];
      if (omitted > 0) truncated[list.field] = omitted + (typeof omittedBefore === 'number' ? omittedBefore : 0);
    }
    trimmed['truncated'] = truncated;
    return trimmed;
  };

  // Every list empty, so every count at its largest: an upper bound for all but the items kept.
  const skeleton = jsonBytes(build(() => 0));
  if (skeleton > maxBytes) {
    throw new EventPublishError(`the result is ${jsonBytes(detail)} bytes even without its lists; the limit is ${maxBytes}`);
  }

  const total = (): number => skeleton + lists.reduce((sum, list) => sum + list.bytes, 0);
  const dropLast = (): boolean => {
    const largest = lists.reduce<TrimmableList | undefined>(
      (best, list) => (list.kept > 0 && (best === undefined || list.bytes > best.bytes) ? list : best),
      undefined,
    );
    if (largest === undefined) return false;
    largest.kept -= 1;
    largest.bytes -= (largest.sizes[largest.kept] ?? 0) + (largest.kept > 0 ? 1 : 0);
    return true;
  };
  while (total() > maxBytes && dropLast());

  // The estimate is an upper bound, so this normally holds at once; the loop only guards against surprises.
  let trimmed = build((list) => list.kept);
  while (jsonBytes(trimmed) > maxBytes && dropLast()) trimmed = build((list) => list.kept);
  return trimmed;
};

const errorName = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'name' in error ? String((error as { name: unknown }).name) : 'Error';

const isRetryableError = (error: unknown): boolean => {
  if (RETRYABLE_ERRORS.has(errorName(error))) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return status === 429 || (status !== undefined && status >= 500);
};

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let sharedClient: EventBridgeClient | undefined;
const defaultEventBridgeClient = (): EventBridgeClient => (sharedClient ??= new EventBridgeClient({}));

class EventBridgePublisher implements ResultPublisher {
  readonly #client: EventBridgeClient;
  readonly #bus: string;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #maxEntryBytes: number;
  readonly #log: Log;

  constructor(options: EventBridgePublisherOptions) {
    this.#client = options.client ?? defaultEventBridgeClient();
    this.#bus = options.eventBusName;
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.#baseDelayMs = options.baseDelayMs ?? 200;
    this.#sleep = options.sleep ?? realSleep;
    this.#maxEntryBytes = options.maxEntryBytes ?? ENTRY_LIMIT_BYTES - ENTRY_MARGIN_BYTES;
    this.#log = options.log ?? silentLog;
  }

  async publish(detailType: string, detail: object): Promise<void> {
    const budget = this.#maxEntryBytes - bytesOf(EVENTS.source) - bytesOf(detailType) - TIME_BYTES;
    // The last gate before the bus: no credential the process has read leaves in an event.
    const clean = knownSecrets.scrubJson(detail) as object;
    const fitted = trimDetail(clean, budget);
    if (fitted !== clean) {
      this.#log.warn('result trimmed to fit the event size limit', {
        detailType,
        truncated: (fitted as { truncated?: unknown }).truncated,
      });
    }
    const entry = { EventBusName: this.#bus, Source: EVENTS.source, DetailType: detailType, Detail: JSON.stringify(fitted) };

    let problem = '';
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt += 1) {
      try {
        const output = await this.#client.send(new PutEventsCommand({ Entries: [entry] }));
        const failed = output.Entries?.find((result) => result.ErrorCode !== undefined);
        if ((output.FailedEntryCount ?? 0) === 0 && failed === undefined) return;
        problem = failed === undefined ? 'the entry failed' : `${failed.ErrorCode}: ${failed.ErrorMessage ?? ''}`.trim();
      } catch (error) {
        if (!isRetryableError(error)) {
          throw new EventPublishError(`publishing "${detailType}" to event bus ${this.#bus} failed (${errorName(error)})`, {
            cause: error,
          });
        }
        problem = errorName(error);
      }
      if (attempt < this.#maxAttempts) {
        this.#log.warn('publishing the result failed; retrying', { detailType, attempt, problem });
        await this.#sleep(this.#baseDelayMs * 2 ** (attempt - 1));
      }
    }
    throw new EventPublishError(
      `publishing "${detailType}" to event bus ${this.#bus} failed after ${this.#maxAttempts} attempts (${problem})`,
      { retryable: true },
    );
  }
}

export { EventBridgePublisher, EventPublishError, trimDetail };
export type { EventBridgePublisherOptions };
