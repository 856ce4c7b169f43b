/**
 * Kahuna Adaptive Campaign API: populate (add users to an adaptive campaign as a background job) and
 * job status. BasicAuth with the Secret Key as user name and the API Key as password; `env=p|s` on
 * every call (without it the vendor answers 401).
 *
 * At most 10 requests of an account are in flight at once (the vendor's limit; job-status reads count
 * too, since the vendor does not say they do not). A populate creates a job, so it is retried only
 * when the vendor answered that it did not take it (429, 5xx), never after a timeout or a reset.
 * A 413 (body too large), 400, 401 and 409 are permanent.
 */
import { readCredentialFields } from '../core/credentials.js';
import { ConfigurationError, UnexpectedResponseError, type VendorErrorBody } from '../core/errors.js';
import { HttpClient } from '../core/http.js';
import type { PopulateEnv } from '../core/populate-request.js';
import { JOB_STATUSES, type JobStatus, type PopulateClient, type PopulateJob } from '../core/populate-port.js';
import type { Limiter } from '../core/rate-limiter.js';
import { knownSecrets } from '../core/redact.js';
import { isObject } from '../core/validation.js';
import { VendorCapability, type PopulateVendor } from '../core/vendor.js';
import { clientLimiter, httpOptions, type VendorClientOptions } from './common.js';

const VENDOR = 'kahuna' as const;
const CREDENTIAL_FIELDS = ['secretKey', 'apiKey'] as const;
const DEFAULT_BASE_URL = 'https://tap-nexus.appspot.com';
/** "You can submit up to ten requests simultaneously." */
const KAHUNA_MAX_IN_FLIGHT = 10;
/** A 10 MB body has to travel before the vendor answers: a longer timeout than the house default. */
const DEFAULT_TIMEOUT_MS = 60_000;

interface KahunaCredentials {
  readonly secretKey: string;
  readonly apiKey: string;
  readonly baseUrl: string;
}

/** `{ "secretKey": "...", "apiKey": "...", "baseUrl"?: "https://tap-nexus.appspot.com" }`. */
const parseKahunaCredentials = (secretName: string, secretString: string): KahunaCredentials => {
  const credentials = readCredentialFields(secretName, secretString, CREDENTIAL_FIELDS, DEFAULT_BASE_URL);
  // BasicAuth splits user from password at the first colon: a colon in the user name cannot be sent.
  if (credentials.secretKey.includes(':')) {
    throw new ConfigurationError(`secret ${secretName}: secretKey: must not contain ":" (it is the BasicAuth user name)`);
  }
  return { secretKey: credentials.secretKey, apiKey: credentials.apiKey, baseUrl: credentials.baseUrl };
};

/** `{ success: false, error, error_code, error_detail }`. */
const readErrorBody = (body: unknown): VendorErrorBody =>
  isObject(body)
    ? {
        ...(typeof body.error === 'string' ? { title: body.error } : {}),
        ...(typeof body.error_detail === 'string' && body.error_detail !== '' ? { message: body.error_detail } : {}),
      }
    : {};

const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;

/** A populate or job-status answer; anything without a job id and a known status is not a success. */
const toJob = (body: unknown, operation: string): PopulateJob => {
  if (!isObject(body)) throw new UnexpectedResponseError({ vendor: VENDOR, operation, reason: 'expected a JSON object' });
  if (body.success === false) {
    throw new UnexpectedResponseError({ vendor: VENDOR, operation, reason: 'a success status with "success": false' });
  }
  const jobId = body.job_id;
  if ((typeof jobId !== 'string' || jobId === '') && typeof jobId !== 'number') {
    throw new UnexpectedResponseError({ vendor: VENDOR, operation, reason: 'no job_id in the answer' });
  }
  if (typeof body.status !== 'string' || !JOB_STATUSES.includes(body.status.toUpperCase())) {
    throw new UnexpectedResponseError({
      vendor: VENDOR,
      operation,
      reason: `job status ${JSON.stringify(body.status)} is none of ${JOB_STATUSES.join(', ')}`,
    });
  }
  const usersRequested = count(body.total_users_requested);
  const usersScheduled = count(body.total_users_scheduled);
  const usersNotFound = count(body.total_users_not_found);
  return {
    jobId: String(jobId),
    status: body.status.toUpperCase() as JobStatus,
    ...(typeof body.created === 'string' ? { created: body.created } : {}),
    ...(usersRequested !== undefined ? { usersRequested } : {}),
    ...(usersScheduled !== undefined ? { usersScheduled } : {}),
    ...(usersNotFound !== undefined ? { usersNotFound } : {}),
  };
};

interface KahunaOptions extends VendorClientOptions {
  readonly credentials: KahunaCredentials;
  /** Requests of this client in flight at once, at most 10 (the vendor's limit). Default 10. */
  readonly maxInFlight?: number;
  /** Defaults to the process-wide limiter of the account (10 in flight). */
  readonly limiter?: Limiter;
}

class KahunaClient implements PopulateClient {
  readonly #http: HttpClient;

  constructor(options: KahunaOptions) {
    const { secretKey, apiKey, baseUrl } = options.credentials;
    const limiter = clientLimiter(kahuna, baseUrl, secretKey, options);
    const authorization = `Basic ${Buffer.from(`${secretKey}:${apiKey}`, 'utf8').toString('base64')}`;
    knownSecrets.add(secretKey);
    knownSecrets.add(apiKey);
    knownSecrets.addBasicAuth(secretKey, apiKey);
    this.#http = new HttpClient(
      httpOptions(kahuna, baseUrl, options, {
        limiter,
        auth: { authorize: async () => ({ headers: { Authorization: authorization }, generation: 0 }) },
        readErrorBody,
        timeoutMs: DEFAULT_TIMEOUT_MS,
      }),
    );
  }

  /**
   * Submits one populate request. `body` is the JSON text (as measured by the caller) or an object to
   * serialise; it must be under 10 MB.
   */
  async populate(env: PopulateEnv, body: string | object): Promise<PopulateJob> {
    const operation = 'populate';
    const { body: answer } = await this.#http.send({
      method: 'POST',
      path: '/api/campaign/populate',
      query: { env },
      ...(typeof body === 'string' ? { rawJson: body } : { json: body }),
      operation,
      idempotent: false,
      expectJson: true,
    });
    return toJob(answer, operation);
  }

  /** Reads a job's status (same env as its populate call). The vendor asks for at most one read per 30 s. */
  async jobStatus(env: PopulateEnv, jobId: string): Promise<PopulateJob> {
    const operation = `read populate job ${jobId}`;
    const { body } = await this.#http.send({
      method: 'GET',
      path: `/api/campaign/populate/${encodeURIComponent(jobId)}`,
      query: { env },
      operation,
      expectJson: true,
    });
    return toJob(body, operation);
  }
}

/** Kahuna as the rest of campaign-ops sees it. */
const kahuna: PopulateVendor = {
  name: VENDOR,
  title: 'Kahuna',
  capability: VendorCapability.populate,
  credentials: { fields: CREDENTIAL_FIELDS, defaultBaseUrl: DEFAULT_BASE_URL },
  // "You can submit up to ten requests simultaneously"; no rate window is documented.
  limits: { maxInFlight: KAHUNA_MAX_IN_FLIGHT, windows: [] },
  statuses: {},
  createClient: (secretName, secretString, context) => new KahunaClient({ ...context, credentials: parseKahunaCredentials(secretName, secretString) }),
};

export {
  kahuna,
  KahunaClient,
  parseKahunaCredentials,
  readErrorBody as readKahunaErrorBody,
  KAHUNA_MAX_IN_FLIGHT,
  DEFAULT_BASE_URL as KAHUNA_DEFAULT_BASE_URL,
};
export type { KahunaCredentials, KahunaOptions };
