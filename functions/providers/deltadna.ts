/**
 * deltaDNA Engage Platform API: authentication (key + password → idToken), environments, and
 * event-triggered / decision-point campaigns (list page by page, get, pause, play).
 * Knows one vendor and no AWS; its descriptor (at the end) is what the rest of campaign-ops reads.
 */
import { CampaignStatus, type Campaign, type CampaignProvider, type Environment } from '../core/campaign.js';
import { readCredentialFields } from '../core/credentials.js';
import { ConfigurationError, UnexpectedResponseError, VendorError, describeError, type VendorErrorBody } from '../core/errors.js';
import { HttpClient, type Authenticator } from '../core/http.js';
import { silentLog, type Log, type TokenCache } from '../core/ports.js';
import type { Limiter } from '../core/rate-limiter.js';
import { knownSecrets } from '../core/redact.js';
import { isObject, quote } from '../core/validation.js';
import { VendorCapability, type WindowVendor } from '../core/vendor.js';
import { clientLimiter, httpOptions, wholeNumberOption, type VendorClientOptions } from './common.js';

const VENDOR = 'deltadna' as const;
const DEFAULT_BASE_URL = 'https://api.deltadna.net';
const CampaignKind = { eventTriggered: 'event-triggered', decisionPoint: 'decision-point' } as const;
type CampaignKind = (typeof CampaignKind)[keyof typeof CampaignKind];
/** The kinds, the default (event-triggered) first. */
const KINDS: readonly CampaignKind[] = [CampaignKind.eventTriggered, CampaignKind.decisionPoint];

interface DeltaDnaCredentials {
  readonly key: string;
  readonly password: string;
  readonly baseUrl: string;
}

const CREDENTIAL_FIELDS = ['key', 'password'] as const;

const parseDeltaDnaCredentials = (secretName: string, secretString: string): DeltaDnaCredentials =>
  readCredentialFields(secretName, secretString, CREDENTIAL_FIELDS, DEFAULT_BASE_URL);

const STATUS_MAP: Readonly<Record<string, CampaignStatus>> = {
  ACTIVE: CampaignStatus.running,
  SCHEDULED: CampaignStatus.scheduled,
  PAUSED: CampaignStatus.paused,
  DRAFT: CampaignStatus.draft,
  COMPLETED: CampaignStatus.ended,
};

/** RFC 7807 style: `{ title, status, detail }`. */
const readErrorBody = (body: unknown): VendorErrorBody =>
  isObject(body)
    ? {
        ...(typeof body.title === 'string' ? { title: body.title } : {}),
        ...(typeof body.detail === 'string' ? { message: body.detail } : typeof body.message === 'string' ? { message: body.message } : {}),
        ...(typeof body.traceId === 'string' ? { traceId: body.traceId } : {}),
      }
    : {};

const toCampaign = (raw: unknown, kind: CampaignKind, operation: string): Campaign => {
  if (!isObject(raw) || (typeof raw.id !== 'number' && typeof raw.id !== 'string') || typeof raw.status !== 'string') {
    throw new UnexpectedResponseError({ vendor: VENDOR, operation, reason: 'a campaign without id or status' });
  }
  const vendorStatus = raw.status;
  return {
    id: String(raw.id),
    name: typeof raw.name === 'string' ? raw.name : '',
    status: STATUS_MAP[vendorStatus.toUpperCase()] ?? CampaignStatus.unknown,
    vendorStatus,
    ...(typeof raw.environment === 'number' ? { environment: raw.environment } : {}),
    labels: [],
    kind,
  };
};

/** Renew a token this many ms before it expires (at most half its life), so a call never leaves with a token about to lapse. */
const EXPIRY_SKEW_MS = 60_000;
/** Tokens last about 30 minutes when the vendor does not say (the Unity SDK caches them for 1800 s). */
const DEFAULT_TOKEN_LIFETIME_S = 1_800;
/** A lifetime the vendor states is believed within these bounds; outside them (1e20, -5, "soon") the default holds. */
const TOKEN_LIFETIME_BOUNDS_S = { min: 60, max: 86_400 } as const;

/** The token's lifetime in seconds: the vendor's `expiresIn` when it is a plausible number, else the default. */
const tokenLifetimeSeconds = (expiresIn: unknown): number =>
  typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn >= TOKEN_LIFETIME_BOUNDS_S.min && expiresIn <= TOKEN_LIFETIME_BOUNDS_S.max
    ? expiresIn
    : DEFAULT_TOKEN_LIFETIME_S;

/** Campaigns per list page (the vendor honours up to 1000), and the most pages one listing reads. */
const DEFAULT_PAGE_SIZE = 100;
const MAX_LIST_PAGES = 10_000;

/**
 * Holds one account's idToken: reused from the cache while valid, renewed ahead of expiry, and renewed
 * once per generation on a 401 however many calls saw it at the same time (single flight).
 */
class DeltaDnaTokens implements Authenticator {
  readonly #auth: HttpClient;
  readonly #credentials: DeltaDnaCredentials;
  readonly #cache: TokenCache | undefined;
  readonly #now: () => number;
  readonly #log: Log;
  #token: { value: string; expiresAt: number } | undefined;
  #generation = 0;
  #pending: Promise<void> | undefined;
  #authentications = 0;

  constructor(auth: HttpClient, credentials: DeltaDnaCredentials, cache: TokenCache | undefined, now: () => number, log: Log = silentLog) {
    this.#auth = auth;
    this.#credentials = credentials;
    this.#cache = cache;
    this.#now = now;
    this.#log = log;
  }

  /** How many times this holder authenticated with the vendor. */
  get authentications(): number {
    return this.#authentications;
  }

  async authorize(): Promise<{ headers: Record<string, string>; generation: number }> {
    if (!this.#fresh(this.#token)) await this.#singleFlight(() => this.#obtain());
    return { headers: { Authorization: `Bearer ${this.#token!.value}` }, generation: this.#generation };
  }

  async renew(failedGeneration: number): Promise<void> {
    if (failedGeneration !== this.#generation) return; // another call already renewed it
    await this.#singleFlight(async () => {
      if (failedGeneration === this.#generation) await this.#authenticate();
    });
  }

  #fresh(token: { expiresAt: number } | undefined): boolean {
    if (token === undefined || !Number.isFinite(token.expiresAt)) return false;
    const now = this.#now();
    const skew = Math.min(EXPIRY_SKEW_MS, Math.max(0, (token.expiresAt - now) / 2));
    return token.expiresAt - skew > now && token.expiresAt - now <= TOKEN_LIFETIME_BOUNDS_S.max * 1000;
  }

  async #singleFlight(work: () => Promise<void>): Promise<void> {
    if (!this.#pending) {
      this.#pending = work().finally(() => {
        this.#pending = undefined;
      });
    }
    await this.#pending;
  }

  async #obtain(): Promise<void> {
    if (this.#fresh(this.#token)) return;
    // The cache saves authentications; a cache that cannot be read costs one, never the run.
    const cached = await this.#cache?.get().catch((error: unknown) => {
      this.#log.warn('could not read the cached deltaDNA token; authenticating', { error: describeError(error) });
      return undefined;
    });
    const cachedExpiry = cached ? Date.parse(cached.expiresAt) : Number.NaN;
    if (cached && cached.token && this.#fresh({ expiresAt: cachedExpiry })) {
      knownSecrets.add(cached.token);
      this.#token = { value: cached.token, expiresAt: cachedExpiry };
      this.#generation += 1;
      return;
    }
    await this.#authenticate();
  }

  async #authenticate(): Promise<void> {
    const response = await this.#auth.send({
      method: 'POST',
      path: '/api/authentication/v1/authenticate',
      json: { key: this.#credentials.key, password: this.#credentials.password },
      operation: 'authenticate',
      idempotent: true,
      expectJson: true,
    });
    const body = response.body;
    if (!isObject(body) || typeof body.idToken !== 'string' || body.idToken === '') {
      throw new UnexpectedResponseError({ vendor: VENDOR, operation: 'authenticate', reason: 'no idToken in the answer' });
    }
    // From here on the token is a credential of the run: scrubbed from whatever the vendor says next.
    knownSecrets.add(body.idToken);
    const lifetimeSeconds = tokenLifetimeSeconds(body.expiresIn);
    if (lifetimeSeconds !== body.expiresIn && body.expiresIn !== undefined) {
      this.#log.warn('deltaDNA gave an implausible token lifetime; using the default', { defaultSeconds: DEFAULT_TOKEN_LIFETIME_S });
    }
    this.#authentications += 1;
    this.#generation += 1;
    this.#token = { value: body.idToken, expiresAt: this.#now() + lifetimeSeconds * 1000 };
    await this.#cache?.put({ token: body.idToken, expiresAt: new Date(this.#token.expiresAt).toISOString() }).catch((error: unknown) => {
      this.#log.warn('could not cache the deltaDNA token; the next run authenticates again', { error: describeError(error) });
    });
  }
}

interface DeltaDnaOptions extends VendorClientOptions {
  readonly credentials: DeltaDnaCredentials;
  readonly tokenCache?: TokenCache;
  /** The kinds of campaign this client lists and acts on; the first is used for an id read without a kind. */
  readonly kinds?: readonly CampaignKind[];
  /** One kind (the older way to say `kinds: [kind]`). */
  readonly kind?: CampaignKind;
  /** Campaigns per list page (the vendor honours up to 1000). */
  readonly pageSize?: number;
  /** This client's own bound on requests in flight, at most the account's 4. */
  readonly maxInFlight?: number;
  /** Defaults to the process-wide limiter of the account. */
  readonly limiter?: Limiter;
}

class DeltaDnaProvider implements CampaignProvider {
  readonly name = VENDOR;
  readonly defaultKind = CampaignKind.eventTriggered;
  readonly tokens: DeltaDnaTokens;
  readonly #http: HttpClient;
  readonly #kinds: readonly CampaignKind[];
  readonly #pageSize: number;

  get kinds(): readonly CampaignKind[] {
    return this.#kinds;
  }

  constructor(options: DeltaDnaOptions) {
    const { baseUrl, key, password } = options.credentials;
    const limiter = clientLimiter(deltadna, baseUrl, key, options);
    const common = httpOptions(deltadna, baseUrl, options, { limiter, readErrorBody });
    knownSecrets.add(key);
    knownSecrets.add(password);
    // Never sent that way, but a vendor (or a proxy) echoing the pair as BasicAuth must not leak it.
    knownSecrets.addBasicAuth(key, password);
    this.tokens = new DeltaDnaTokens(new HttpClient(common), options.credentials, options.tokenCache, options.now ?? Date.now, common.log);
    this.#http = new HttpClient({ ...common, auth: this.tokens });
    this.#kinds = options.kinds ?? [options.kind ?? CampaignKind.eventTriggered];
    for (const kind of this.#kinds) {
      if (!KINDS.includes(kind)) throw new ConfigurationError(`${VENDOR}: kinds must be among ${KINDS.join(', ')}, got ${quote(kind)}`);
    }
    this.#pageSize = wholeNumberOption(VENDOR, 'pageSize', options.pageSize, { min: 1, max: 1000, default: DEFAULT_PAGE_SIZE });
  }

  async listEnvironments(): Promise<Environment[]> {
    const { body } = await this.#http.send({ method: 'GET', path: '/api/engage/v1/environments', operation: 'list environments', expectJson: true });
    if (!Array.isArray(body)) throw new UnexpectedResponseError({ vendor: VENDOR, operation: 'list environments', reason: 'not an array' });
    return body.flatMap((raw) =>
      isObject(raw) && typeof raw.id === 'number'
        ? [{ id: raw.id, game: typeof raw.game === 'string' ? raw.game : '', name: typeof raw.name === 'string' ? raw.name : '' }]
        : [],
    );
  }

  /** Every campaign of the client's kinds the key can see, across games and environments, kind after kind. */
  async *listCampaigns(): AsyncGenerator<Campaign> {
    for (const kind of this.#kinds) yield* this.#listKind(kind);
  }

  /**
   * One kind's campaigns, page by page until a short page. A vendor that serves the same page again (a
   * full page with no campaign not seen before) would keep us paging forever: that ends the listing with
   * an error, as does a list longer than MAX_LIST_PAGES.
   */
  async *#listKind(kind: CampaignKind): AsyncGenerator<Campaign> {
    const seen = new Set<string>();
    for (let page = 0; ; page += 1) {
      const operation = `list ${kind} campaigns (page ${page})`;
      if (page >= MAX_LIST_PAGES) {
        throw new UnexpectedResponseError({ vendor: VENDOR, operation, reason: `the listing did not end within ${MAX_LIST_PAGES} pages of ${this.#pageSize}` });
      }
      const { body } = await this.#http.send({
        method: 'GET',
        path: `/api/engage/v1/campaigns/${kind}`,
        query: { limit: this.#pageSize, page },
        operation,
        expectJson: true,
      });
      if (!Array.isArray(body)) throw new UnexpectedResponseError({ vendor: VENDOR, operation, reason: 'a list page that is not an array' });
      let fresh = 0;
      for (const raw of body) {
        const campaign = toCampaign(raw, kind, operation);
        // A campaign created while we page can shift others by one: never report one twice.
        if (seen.has(campaign.id)) continue;
        seen.add(campaign.id);
        fresh += 1;
        yield campaign;
      }
      if (body.length < this.#pageSize) return;
      if (fresh === 0) {
        throw new UnexpectedResponseError({
          vendor: VENDOR,
          operation,
          reason: `the pagination did not progress: page ${page} brought no campaign not already listed`,
        });
      }
    }
  }

  /** One campaign; without a kind, the client's kinds are asked in turn until one knows the id. */
  async getCampaign(id: string, kind?: string): Promise<Campaign> {
    const kinds = kind !== undefined ? [this.#checkedKind(kind)] : this.#kinds;
    const last = kinds.length - 1;
    for (let i = 0; i < last; i += 1) {
      // Not a campaign of this kind (404): ask the next kind; the last kind's answer is the answer.
      try {
        return await this.#getOfKind(id, kinds[i]!);
      } catch (error) {
        if (!(error instanceof VendorError && error.status === 404)) throw error;
      }
    }
    return this.#getOfKind(id, kinds[last]!);
  }

  async #getOfKind(id: string, kind: CampaignKind): Promise<Campaign> {
    const operation = `get ${kind} campaign ${id}`;
    const { body } = await this.#http.send({ method: 'GET', path: this.#campaignPath(id, kind), operation, expectJson: true });
    return toCampaign(body, kind, operation);
  }

  async pause(campaign: Campaign): Promise<void> {
    const kind = this.#kindOf(campaign);
    await this.#http.send({ method: 'POST', path: `${this.#campaignPath(campaign.id, kind)}/pause`, operation: `pause ${kind} campaign ${campaign.id}`, idempotent: true });
  }

  async resume(campaign: Campaign): Promise<void> {
    const kind = this.#kindOf(campaign);
    await this.#http.send({ method: 'POST', path: `${this.#campaignPath(campaign.id, kind)}/play`, operation: `resume ${kind} campaign ${campaign.id}`, idempotent: true });
  }

  #kindOf(campaign: Campaign): CampaignKind {
    return campaign.kind === undefined ? this.#kinds[0]! : this.#checkedKind(campaign.kind);
  }

  #checkedKind(kind: string): CampaignKind {
    if (!(KINDS as readonly string[]).includes(kind)) throw new ConfigurationError(`${VENDOR}: no campaigns of kind ${quote(kind)}`);
    return kind as CampaignKind;
  }

  #campaignPath(id: string, kind: CampaignKind): string {
    return `/api/engage/v1/campaigns/${kind}/${encodeURIComponent(id)}`;
  }
}

/** deltaDNA as the rest of campaign-ops sees it. */
const deltadna: WindowVendor = {
  name: VENDOR,
  title: 'deltaDNA Engage',
  capability: VendorCapability.windows,
  credentials: { fields: CREDENTIAL_FIELDS, defaultBaseUrl: DEFAULT_BASE_URL },
  // deltaDNA documents no rate limit: we bound our own requests in flight.
  limits: { maxInFlight: 4, windows: [] },
  statuses: STATUS_MAP,
  selection: {
    environments: true,
    labels: false,
    kinds: KINDS,
    campaignId: { pattern: /^\d{1,19}$/, description: 'a deltadna campaign id is a number (digits only, at most 19)' },
  },
  cachesToken: true,
  createProvider: (secretName, secretString, context) =>
    new DeltaDnaProvider({
      ...context,
      credentials: parseDeltaDnaCredentials(secretName, secretString),
      kinds: context.kinds.map((kind) => kind as CampaignKind),
    }),
};

export { deltadna, DeltaDnaProvider, DeltaDnaTokens, CampaignKind, parseDeltaDnaCredentials, tokenLifetimeSeconds, MAX_LIST_PAGES as DELTADNA_MAX_LIST_PAGES, DEFAULT_BASE_URL as DELTADNA_DEFAULT_BASE_URL };
export type { DeltaDnaCredentials, DeltaDnaOptions };
