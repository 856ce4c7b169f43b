/**
 * Acme Campaigns, a made-up fourth vendor, added the way docs/adding-a-vendor.md says: this descriptor
 * with its client, a small simulator beside it, and a scenario test. Nothing in functions/core, cli/ or
 * infra/ knows it; the test hands the registry `VENDORS.with(acme)` to the command and the stack.
 *
 * Its API: `X-Api-Key` header; `GET /v2/campaigns?cursor=C` → `{ campaigns: [{ code, title, state }],
 * next? }`; `GET /v2/campaigns/{code}` → `{ campaign }`; `POST /v2/campaigns/{code}/hold` and
 * `/release`. States: live, on-hold, draft, archived. Errors: `{ error: { message } }`.
 */
import { CampaignStatus, type Campaign, type CampaignProvider } from '../../../functions/core/campaign.js';
import { readCredentialFields } from '../../../functions/core/credentials.js';
import { UnexpectedResponseError, type VendorErrorBody } from '../../../functions/core/errors.js';
import { HttpClient } from '../../../functions/core/http.js';
import { knownSecrets } from '../../../functions/core/redact.js';
import { isObject } from '../../../functions/core/validation.js';
import { VendorCapability, type WindowVendor } from '../../../functions/core/vendor.js';
import { clientLimiter, httpOptions, type VendorClientOptions } from '../../../functions/providers/common.js';

const VENDOR = 'acme';
const CREDENTIAL_FIELDS = ['apiKey'] as const;
const DEFAULT_BASE_URL = 'https://api.acme.example';
const MAX_PAGES = 1_000;

const STATUSES: Readonly<Record<string, CampaignStatus>> = {
  live: CampaignStatus.running,
  'on-hold': CampaignStatus.paused,
  draft: CampaignStatus.draft,
  archived: CampaignStatus.ended,
};

const readErrorBody = (body: unknown): VendorErrorBody =>
  isObject(body) && isObject(body.error) && typeof body.error.message === 'string' ? { message: body.error.message } : {};

const toCampaign = (raw: unknown, operation: string): Campaign => {
  if (!isObject(raw) || typeof raw.code !== 'string' || typeof raw.state !== 'string') {
    throw new UnexpectedResponseError({ vendor: VENDOR, operation, reason: 'a campaign without code or state' });
  }
  return {
    id: raw.code,
    name: typeof raw.title === 'string' ? raw.title : '',
    status: STATUSES[raw.state] ?? CampaignStatus.unknown,
    vendorStatus: raw.state,
    labels: [],
  };
};

class AcmeProvider implements CampaignProvider {
  readonly name = VENDOR;
  readonly #http: HttpClient;

  constructor(options: VendorClientOptions & { readonly credentials: { apiKey: string; baseUrl: string } }) {
    const { apiKey, baseUrl } = options.credentials;
    knownSecrets.add(apiKey);
    this.#http = new HttpClient(
      httpOptions(acme, baseUrl, options, {
        limiter: clientLimiter(acme, baseUrl, apiKey, {}),
        auth: { authorize: async () => ({ headers: { 'X-Api-Key': apiKey }, generation: 0 }) },
        readErrorBody,
      }),
    );
  }

  /** Follows `next` cursors; a cursor seen before, or more than MAX_PAGES, ends the listing with an error. */
  async *listCampaigns(): AsyncGenerator<Campaign> {
    const cursors = new Set<string>();
    let cursor: string | undefined;
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const operation = `list campaigns (page ${page})`;
      const { body } = await this.#http.send({ method: 'GET', path: '/v2/campaigns', ...(cursor ? { query: { cursor } } : {}), operation, expectJson: true });
      if (!isObject(body) || !Array.isArray(body.campaigns)) throw new UnexpectedResponseError({ vendor: VENDOR, operation, reason: 'expected { campaigns }' });
      for (const raw of body.campaigns) yield toCampaign(raw, operation);
      if (typeof body.next !== 'string' || body.next === '') return;
      if (cursors.has(body.next)) throw new UnexpectedResponseError({ vendor: VENDOR, operation, reason: 'the pagination did not progress: a cursor came back' });
      cursors.add(body.next);
      cursor = body.next;
    }
    throw new UnexpectedResponseError({ vendor: VENDOR, operation: 'list campaigns', reason: `the listing did not end within ${MAX_PAGES} pages` });
  }

  async getCampaign(id: string): Promise<Campaign> {
    const operation = `get campaign ${id}`;
    const { body } = await this.#http.send({ method: 'GET', path: `/v2/campaigns/${encodeURIComponent(id)}`, operation, expectJson: true });
    return toCampaign(isObject(body) ? body.campaign : undefined, operation);
  }

  async pause(campaign: Campaign): Promise<void> {
    await this.#http.send({ method: 'POST', path: `/v2/campaigns/${encodeURIComponent(campaign.id)}/hold`, operation: `pause campaign ${campaign.id}`, idempotent: true });
  }

  async resume(campaign: Campaign): Promise<void> {
    await this.#http.send({ method: 'POST', path: `/v2/campaigns/${encodeURIComponent(campaign.id)}/release`, operation: `resume campaign ${campaign.id}`, idempotent: true });
  }
}

/** Acme as the rest of campaign-ops sees it. */
const acme: WindowVendor = {
  name: VENDOR,
  title: 'Acme Campaigns',
  capability: VendorCapability.windows,
  credentials: { fields: CREDENTIAL_FIELDS, defaultBaseUrl: DEFAULT_BASE_URL },
  limits: { maxInFlight: 2, windows: [{ limit: 20, periodMs: 1_000 }] },
  statuses: STATUSES,
  selection: {
    environments: false,
    labels: false,
    kinds: [],
    campaignId: { pattern: /^ACM-\d{1,9}$/, description: 'an acme campaign id is "ACM-" and up to 9 digits, e.g. "ACM-17"' },
  },
  cachesToken: false,
  createProvider: (secretName, secretString, context) =>
    new AcmeProvider({ ...context, credentials: readCredentialFields(secretName, secretString, CREDENTIAL_FIELDS, DEFAULT_BASE_URL) }),
};

export { acme };
