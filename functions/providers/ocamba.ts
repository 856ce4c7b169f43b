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
import { silentLog, type Log } from '../core/ports.js';
import type { Limiter, RateLimitReport, RateWindow } from '../core/rate-limiter.js';
import { knownSecrets } from '../core/redact.js';
import { isObject } from '../core/validation.js';
import { VendorCapability, type WindowVendor } from '../core/vendor.js';
import { clientLimiter, httpOptions, wholeNumberOption, type VendorClientOptions } from './common.js';

const VENDOR = 'ocamba' as const;
const DEFAULT_BASE_URL = 'https://api.ocamba.com';
const MAX_PAGE_SIZE = 100;
/** The most pages one listing reads (100,000 campaigns): a longer list, or a `total` promising one, fails. */
const MAX_LIST_PAGES = 1_000;

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

const CREDENTIAL_FIELDS = ['token'] as const;

const parseOcambaCredentials = (secretName: string, secretString: string): OcambaCredentials =>
  readCredentialFields(secretName, secretString, CREDENTIAL_FIELDS, DEFAULT_BASE_URL);

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

/** The documented window a reported limit belongs to: the one with that limit, else the tightest. */
const windowOf = (limit: number): RateWindow =>
  OCAMBA_LIMITS.windows.find((w) => w.limit === limit) ??
  [...OCAMBA_LIMITS.windows].sort((a, b) => a.limit / a.periodMs - b.limit / b.periodMs)[0]!;

/**
 * Why a report is out of the documented range, or undefined when it is in it: a limit above what the
 * vendor documents, a remaining count outside 0..limit, a reset beyond the window it belongs to.
 */
const rateLimitProblem = (report: RateLimitReport): string | undefined => {
  const highest = Math.max(...OCAMBA_LIMITS.windows.map((w) => w.limit));
  if (!Number.isInteger(report.limit) || report.limit < 1 || report.limit > highest) return `X-RateLimit-Limit outside 1..${highest}`;
  if (!Number.isInteger(report.remaining) || report.remaining < 0 || report.remaining > report.limit) return 'X-RateLimit-Remaining outside 0..limit';
  const periodMs = windowOf(report.limit).periodMs;
  if (report.resetMs < 0 || report.resetMs > periodMs) return `X-RateLimit-Reset beyond its ${periodMs / 1000} s window`;
  return undefined;
};

/** `X-RateLimit-*` describe the tighter of the vendor's two windows; Reset is in seconds. Unchecked: see `rateLimitReader`. */
const readRateLimit = (headers: Headers): RateLimitReport | undefined => {
  const values = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'].map((name) => headers.get(name)?.trim() ?? '');
  if (values.some((value) => value === '' || value.length > 20)) return undefined;
  const [limit, remaining, reset] = values.map(Number) as [number, number, number];
  if (![limit, remaining, reset].every(Number.isFinite)) return undefined;
  return { limit, remaining, resetMs: Math.ceil(reset * 1000) };
};

/**
 * The headers as the limiter may trust them: a report outside the documented range (a Reset of 999999 s
 * would hold the account for days, a Limit of 10^8 would make the limiter record 10^8 requests) is
 * ignored, and said once per client.
 */
const rateLimitReader = (log: Log): ((headers: Headers) => RateLimitReport | undefined) => {
  let warned = false;
  return (headers) => {
    const report = readRateLimit(headers);
    if (!report) return undefined;
    const problem = rateLimitProblem(report);
    if (problem === undefined) return report;
    if (!warned) {
      warned = true;
      log.warn('ignoring Ocamba rate-limit headers outside the documented range', { vendor: VENDOR, problem });
    }
    return undefined;
  };
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

interface OcambaOptions extends VendorClientOptions {
  readonly credentials: OcambaCredentials;
  /** Defaults to the process-wide limiter of the account. */
  readonly limiter?: Limiter;
  /** Campaigns per list page, at most the vendor's 100. */
  readonly pageSize?: number;
}

const DEFAULT_PAUSE_REASON = 'Paused by campaign-ops';

class OcambaProvider implements CampaignProvider {
  readonly name = VENDOR;
  readonly #http: HttpClient;
  readonly #pageSize: number;

  constructor(options: OcambaOptions) {
    const { token, baseUrl } = options.credentials;
    knownSecrets.add(token);
    this.#http = new HttpClient(
      httpOptions(ocamba, baseUrl, options, {
        limiter: clientLimiter(ocamba, baseUrl, token, options),
        auth: { authorize: async () => ({ headers: { Authorization: `Bearer ${token}` }, generation: 0 }) },
        readErrorBody,
        readRateLimit: rateLimitReader(options.log ?? silentLog),
      }),
    );
    this.#pageSize = wholeNumberOption(VENDOR, 'pageSize', options.pageSize, { min: 1, max: MAX_PAGE_SIZE, default: MAX_PAGE_SIZE });
  }

  /**
   * Pages until `total` campaigns were read (not by page length: a page may be served shorter). Bounded
   * whatever the vendor says: no more pages than `total` calls for (plus one for a list that grew), a
   * `total` beyond MAX_LIST_PAGES fails at once, and a page bringing no campaign not seen before fails
   * the listing rather than paging on.
   */
  async *listCampaigns(): AsyncGenerator<Campaign> {
    const seen = new Set<string>();
    let read = 0;
    let lastPage = MAX_LIST_PAGES;
    for (let page = 1; ; page += 1) {
      const operation = `list campaigns (page ${page})`;
      if (page > lastPage) {
        throw new UnexpectedResponseError({ vendor: VENDOR, operation, reason: `the listing did not end within the ${lastPage} pages its total calls for` });
      }
      const { body } = await this.#http.send({
        method: 'GET',
        path: '/v1/hood/campaigns',
        query: { page: `${page},${this.#pageSize}` },
        operation,
        expectJson: true,
      });
      if (!isObject(body) || typeof body.total !== 'number' || !Number.isSafeInteger(body.total) || body.total < 0 || !Array.isArray(body.items)) {
        throw new UnexpectedResponseError({ vendor: VENDOR, operation, reason: 'expected { total, items } with a whole, non-negative total' });
      }
      const pagesNeeded = Math.ceil(body.total / this.#pageSize);
      if (pagesNeeded > MAX_LIST_PAGES) {
        throw new UnexpectedResponseError({
          vendor: VENDOR,
          operation,
          reason: `the vendor reports ${body.total} campaigns, more than the ${MAX_LIST_PAGES * this.#pageSize} one listing reads`,
        });
      }
      if (page === 1) lastPage = Math.min(MAX_LIST_PAGES, pagesNeeded + 1);
      let fresh = 0;
      for (const raw of body.items) {
        const campaign = toCampaign(raw, operation);
        read += 1;
        if (seen.has(campaign.id)) continue;
        seen.add(campaign.id);
        fresh += 1;
        yield campaign;
      }
      // An empty page before `total` means the list shrank while we paged: stop rather than loop.
      if (read >= body.total || body.items.length === 0) return;
      if (fresh === 0) {
        throw new UnexpectedResponseError({
          vendor: VENDOR,
          operation,
          reason: `the pagination did not progress: page ${page} brought no campaign not already listed`,
        });
      }
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

/** Ocamba Hood as the rest of campaign-ops sees it. */
const ocamba: WindowVendor = {
  name: VENDOR,
  title: 'Ocamba Hood',
  capability: VendorCapability.windows,
  credentials: { fields: CREDENTIAL_FIELDS, defaultBaseUrl: DEFAULT_BASE_URL },
  limits: OCAMBA_LIMITS,
  statuses: STATUS_MAP,
  selection: {
    environments: false,
    labels: true,
    kinds: [],
    campaignId: { pattern: /^\d{1,19}$/, description: 'an ocamba campaign id is a string of digits such as "1000248" (at most 19)' },
  },
  cachesToken: false,
  createProvider: (secretName, secretString, context) => new OcambaProvider({ ...context, credentials: parseOcambaCredentials(secretName, secretString) }),
};

export { ocamba, OcambaProvider, OCAMBA_LIMITS, parseOcambaCredentials, readRateLimit as readOcambaRateLimit, rateLimitProblem as ocambaRateLimitProblem, MAX_LIST_PAGES as OCAMBA_MAX_LIST_PAGES, DEFAULT_BASE_URL as OCAMBA_DEFAULT_BASE_URL };
export type { OcambaCredentials, OcambaOptions };
