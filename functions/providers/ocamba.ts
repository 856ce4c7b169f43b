/**
 * Ocamba Hood API v1: list campaigns (page by `total`), get one, pause with a reason, resume.
 * Every call of an account, listing included, goes through that account's limiter: 10 requests a
 * second AND 150 a minute, at most 10 in flight, aligned with the vendor's X-RateLimit headers, and
 * held as a whole on a 429 until its Retry-After.
 */
import { CampaignStatus, type Campaign, type CampaignProvider } from '../core/campaign.js';
import { readCredentialFields } from '../core/credentials.js';
import { UnexpectedResponseError, type VendorErrorBody } from '../core/errors.js';
import { HttpClient } from '../core/http.js';
import { noTelemetry, silentLog, type Log, type Telemetry } from '../core/ports.js';
import { WindowedLimiter, limiterForAccount, type Limiter, type RateLimitReport, type RateWindow } from '../core/rate-limiter.js';
import type { RetryPolicy } from '../core/retry.js';
import { isObject } from '../core/validation.js';

const VENDOR = 'ocamba';
const DEFAULT_BASE_URL = 'https://api.ocamba.com';
const MAX_PAGE_SIZE = 100;

/** Ocamba's documented limits per account (fixed windows, both apply) and its parallel-request bound. */
const OCAMBA_LIMITS: { readonly windows: readonly RateWindow[]; readonly maxInFlight: number } = {
  windows: [
    { limit: 10, periodMs: 1_000 },
    { limit: 150, periodMs: 60_000 },
  ],
  maxInFlight: 10,
};

interface OcambaCredentials {
  readonly token: string;
  readonly baseUrl: string;
}

const parseOcambaCredentials = (secretName: string, secretString: string): OcambaCredentials =>
  readCredentialFields(secretName, secretString, ['token'], DEFAULT_BASE_URL);

const STATUS_MAP: Readonly<Record<string, CampaignStatus>> = {
  running: CampaignStatus.running,
  scheduled: CampaignStatus.scheduled,
  paused: CampaignStatus.paused,
  draft: CampaignStatus.draft,
  canceled: CampaignStatus.ended,
  cancelled: CampaignStatus.ended,
  finished: CampaignStatus.ended,
  completed: CampaignStatus.ended,
};

/** `{ code, title, message?, trace_id }`. */
const readErrorBody = (body: unknown): VendorErrorBody =>
  isObject(body)
    ? {
        ...(typeof body.title === 'string' ? { title: body.title } : {}),
        ...(typeof body.message === 'string' ? { message: body.message } : {}),
        ...(typeof body.trace_id === 'string' ? { traceId: body.trace_id } : {}),
      }
    : {};

/** `X-RateLimit-*` describe the tighter of the vendor's two windows; Reset is in seconds. */
const readRateLimit = (headers: Headers): RateLimitReport | undefined => {
  const limit = Number(headers.get('x-ratelimit-limit'));
  const remaining = Number(headers.get('x-ratelimit-remaining'));
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (!headers.has('x-ratelimit-remaining') || ![limit, remaining, reset].every(Number.isFinite)) return undefined;
  return { limit, remaining, resetMs: Math.max(0, Math.ceil(reset * 1000)) };
};

const toCampaign = (raw: unknown, operation: string): Campaign => {
  if (!isObject(raw) || (typeof raw.id !== 'string' && typeof raw.id !== 'number') || typeof raw.status !== 'string') {
    throw new UnexpectedResponseError({ vendor: VENDOR, operation, reason: 'a campaign without id or status' });
  }
  return {
    id: String(raw.id),
    name: typeof raw.name === 'string' ? raw.name : '',
    status: STATUS_MAP[raw.status.toLowerCase()] ?? CampaignStatus.unknown,
    vendorStatus: raw.status,
    labels: Array.isArray(raw.labels) ? raw.labels.filter((l): l is string => typeof l === 'string') : [],
  };
};

const accountLimiter = (credentials: OcambaCredentials): Limiter =>
  limiterForAccount({ vendor: VENDOR, baseUrl: credentials.baseUrl, credential: credentials.token }, () => new WindowedLimiter({ ...OCAMBA_LIMITS }));

interface OcambaOptions {
  readonly credentials: OcambaCredentials;
  /** Defaults to the process-wide limiter of the account. */
  readonly limiter?: Limiter;
  readonly pageSize?: number;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly log?: Log;
  readonly telemetry?: Telemetry;
  readonly sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_PAUSE_REASON = 'Paused by campaign-ops';

class OcambaProvider implements CampaignProvider {
  readonly name = 'ocamba' as const;
  readonly #http: HttpClient;
  readonly #pageSize: number;

  constructor(options: OcambaOptions) {
    const token = options.credentials.token;
    this.#http = new HttpClient({
      vendor: VENDOR,
      baseUrl: options.credentials.baseUrl,
      limiter: options.limiter ?? accountLimiter(options.credentials),
      auth: { authorize: async () => ({ headers: { Authorization: `Bearer ${token}` }, generation: 0 }) },
      readErrorBody,
      readRateLimit,
      log: options.log ?? silentLog,
      telemetry: options.telemetry ?? noTelemetry,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
    this.#pageSize = Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  }

  /** Pages until `total` campaigns were read (not by page length: a page may be served shorter). */
  async *listCampaigns(): AsyncGenerator<Campaign> {
    const seen = new Set<string>();
    let read = 0;
    for (let page = 1; ; page += 1) {
      const operation = `list campaigns (page ${page})`;
      const { body } = await this.#http.send({
        method: 'GET',
        path: '/v1/hood/campaigns',
        query: { page: `${page},${this.#pageSize}` },
        operation,
        expectJson: true,
      });
      if (!isObject(body) || typeof body.total !== 'number' || !Array.isArray(body.items)) {
        throw new UnexpectedResponseError({ vendor: VENDOR, operation, reason: 'expected { total, items }' });
      }
      for (const raw of body.items) {
        const campaign = toCampaign(raw, operation);
        read += 1;
        if (seen.has(campaign.id)) continue;
        seen.add(campaign.id);
        yield campaign;
      }
      // An empty page before `total` means the list shrank while we paged: stop rather than loop.
      if (read >= body.total || body.items.length === 0) return;
    }
  }

  async getCampaign(id: string): Promise<Campaign> {
    const operation = `get campaign ${id}`;
    const { body } = await this.#http.send({ method: 'GET', path: `/v1/hood/campaigns/${encodeURIComponent(id)}`, operation, expectJson: true });
    const item = isObject(body) && Array.isArray(body.items) ? body.items[0] : undefined;
    if (item === undefined) throw new UnexpectedResponseError({ vendor: VENDOR, operation, reason: 'no campaign in the answer' });
    return toCampaign(item, operation);
  }

  async pause(campaign: Campaign, reason: string | undefined): Promise<void> {
    await this.#http.send({
      method: 'POST',
      path: `/v1/hood/campaigns/${encodeURIComponent(campaign.id)}/pause`,
      json: { reason: reason ?? DEFAULT_PAUSE_REASON },
      operation: `pause campaign ${campaign.id}`,
      idempotent: true,
    });
  }

  /** No body: the vendor returns it to running if it had been running, else to scheduled. */
  async resume(campaign: Campaign): Promise<void> {
    await this.#http.send({
      method: 'POST',
      path: `/v1/hood/campaigns/${encodeURIComponent(campaign.id)}/resume`,
      operation: `resume campaign ${campaign.id}`,
      idempotent: true,
    });
  }
}

export { OcambaProvider, OCAMBA_LIMITS, parseOcambaCredentials, readRateLimit as readOcambaRateLimit, DEFAULT_BASE_URL as OCAMBA_DEFAULT_BASE_URL };
export type { OcambaCredentials, OcambaOptions };
