/**
 * Populate: add users to a Kahuna adaptive campaign (DESIGN.md, "Populate request (Kahuna)").
 *
 * The request is read and checked once (every problem at once, naming the field); recipients then
 * stream through validation and into request bodies each strictly under the vendor's body limit, which
 * are sent with at most `maxInFlight` at once (never more than maxInFlight + 1 bodies built ahead), and
 * each job is followed to DONE or FAILED. The result accounts for every request and every invalid
 * recipient.
 *
 * Invalid recipients:
 * - inline `recipient_list`: any invalid recipient makes the whole request invalid and nothing is sent.
 *   An inline list is written by a person or a program in one piece; half of it is never what they meant.
 * - streamed recipients (`recipients.s3` / `recipients.file`): invalid ones are skipped and listed in the
 *   result by line number and reason, valid ones are sent. A list of millions exported from another
 *   system should not fail as a whole for one bad row; the exit code still says something was left out.
 *
 * A populate creates a job: it is never re-sent after an outcome we cannot know (a timeout), only after
 * the vendor said it did not take it (429, 5xx). The first request goes alone: a wrong secret, campaign
 * or cred_type costs one refused request, not ten.
 */
import { randomUUID } from 'node:crypto';
import { ConfigurationError, InvalidRequestError, VendorError, describeError, isRetryable, type FieldIssue } from './errors.js';
import { noTelemetry, silentLog, type Log, type Telemetry } from './ports.js';
import { concurrencyLimiter } from './rate-limiter.js';
import { unwrapEnvelope } from './request.js';
import {
  DEFAULT_MAX_EXTRA_PARAM_CHARS,
  checkParamValue,
  checkRecipient,
  checkSendTs,
  describeIssues,
  extraDefaults,
  fromArray,
  listField,
  type ExtraParamDefaults,
  type RecipientSource,
} from './recipients.js';
import { sleep as defaultSleep } from './retry.js';
import { IssueList, readSecretName, describeType, isObject, readBoolean, readRequestObject, rejectUnknownFields, type Json } from './validation.js';
import { METRICS } from '../settings.js';

// ---------------------------------------------------------------------------------------------------
// The request

/** Kahuna's environments: production and sandbox. */
const POPULATE_ENVS = ['p', 's'] as const;
type PopulateEnv = (typeof POPULATE_ENVS)[number];

/** Kahuna's white-listed user credentials (vendor document, "Possible credential types"). */
const CRED_TYPES = [
  'dev_id',
  'username',
  'email',
  'fbid',
  'twtr',
  'lnk',
  'user_id',
  'token',
  'install_token',
  'gplus_id',
] as const;
type CredType = (typeof CRED_TYPES)[number];

/** `campaign_config` as it goes on the wire. */
interface CampaignConfig {
  readonly campaign_id: number;
  readonly cred_type: CredType;
  readonly observe_rate_limiting?: boolean;
  readonly target_global_control?: boolean;
}

type ParamValue = string | number;

/** Where the recipients are: in the request itself, or a JSON Lines object/file the caller opens. */
type RecipientOrigin =
  | { readonly kind: 'list'; readonly list: readonly unknown[] }
  | { readonly kind: 's3'; readonly url: string; readonly bucket: string; readonly key: string }
  | { readonly kind: 'file'; readonly path: string };

interface PopulateRequest {
  readonly provider: 'kahuna';
  readonly secret: string;
  readonly env: PopulateEnv;
  readonly campaignConfig: CampaignConfig;
  /** `default_params` as given (k_send_ts and extra parameters). */
  readonly defaultParams?: Readonly<Record<string, ParamValue>>;
  readonly recipients: RecipientOrigin;
  readonly dryRun: boolean;
  /** Follow every job until DONE or FAILED (default true). */
  readonly wait: boolean;
  readonly maxExtraParamChars: number;
}

interface ParsePopulateOptions {
  /** `recipients.file` names a local file: the CLI allows it, a Lambda does not. */
  readonly allowFile: boolean;
}

const REQUEST_FIELDS = [
  'action',
  'provider',
  'secret',
  'env',
  'campaign_config',
  'default_params',
  'recipient_list',
  'recipients',
  'dryRun',
  'wait',
  'maxExtraParamChars',
] as const;
const CAMPAIGN_CONFIG_FIELDS = ['campaign_id', 'cred_type', 'observe_rate_limiting', 'target_global_control'] as const;
const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;
const MAX_EXTRA_PARAM_CHARS_CEILING = 100_000;
/** Inline recipients with problems listed in one error; the rest are counted. */
const MAX_LISTED_RECIPIENT_ISSUES = 50;

const readCampaignConfig = (value: unknown, issues: IssueList): CampaignConfig | undefined => {
  if (value === undefined) {
    issues.add('campaign_config', 'is required: { "campaign_id": 999, "cred_type": "email" }');
    return undefined;
  }
  if (!isObject(value)) {
    issues.add('campaign_config', `must be an object, got ${describeType(value)}`);
    return undefined;
  }
  rejectUnknownFields(value, CAMPAIGN_CONFIG_FIELDS, 'campaign_config.', issues);
  const before = issues.issues.length;

  let campaignId: number | undefined;
  const rawId = value.campaign_id;
  if (rawId === undefined) issues.add('campaign_config.campaign_id', 'is required: the adaptive campaign (campaign group) id');
  else if (typeof rawId === 'number' && Number.isSafeInteger(rawId) && rawId > 0) campaignId = rawId;
  else if (typeof rawId === 'string' && /^[1-9]\d{0,15}$/.test(rawId.trim()) && Number.isSafeInteger(Number(rawId))) {
    campaignId = Number(rawId);
  } else issues.add('campaign_config.campaign_id', `must be a positive integer, got ${JSON.stringify(rawId) ?? describeType(rawId)}`);

  const credType = value.cred_type;
  if (credType === undefined) issues.add('campaign_config.cred_type', `is required (one of: ${CRED_TYPES.join(', ')})`);
  else if (typeof credType !== 'string' || !(CRED_TYPES as readonly string[]).includes(credType)) {
    issues.add('campaign_config.cred_type', `must be one of Kahuna's white-listed credentials: ${CRED_TYPES.join(', ')}; got ${JSON.stringify(credType) ?? describeType(credType)}`);
  }

  const observe = readBoolean(value.observe_rate_limiting, 'campaign_config.observe_rate_limiting', issues);
  const control = readBoolean(value.target_global_control, 'campaign_config.target_global_control', issues);
  if (issues.issues.length > before || campaignId === undefined) return undefined;
  return {
    campaign_id: campaignId,
    cred_type: credType as CredType,
    ...(observe !== undefined ? { observe_rate_limiting: observe } : {}),
    ...(control !== undefined ? { target_global_control: control } : {}),
  };
};

const readDefaultParams = (value: unknown, issues: IssueList): Record<string, ParamValue> | undefined => {
  if (value === undefined) return undefined;
  if (!isObject(value)) {
    issues.add('default_params', `must be an object, got ${describeType(value)}`);
    return undefined;
  }
  const out: Record<string, ParamValue> = {};
  for (const [key, param] of Object.entries(value)) {
    const field = `default_params.${key}`;
    if (key === 'k_send_ts') {
      const problem = checkSendTs(param);
      if (problem) issues.add(field, problem);
      else out[key] = param as number;
    } else if (key === 'k_to') {
      issues.add(field, 'belongs in each recipient, not in default_params');
    } else if (key.trim() === '') {
      issues.add('default_params', 'an extra parameter needs a non-empty name');
    } else {
      const problem = checkParamValue(param);
      if (problem) issues.add(field, problem);
      else out[key] = param as ParamValue;
    }
  }
  return out;
};

const readMaxExtraParamChars = (value: unknown, issues: IssueList): number => {
  if (value === undefined) return DEFAULT_MAX_EXTRA_PARAM_CHARS;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= MAX_EXTRA_PARAM_CHARS_CEILING) return value;
  issues.add('maxExtraParamChars', `must be a whole number from 1 to ${MAX_EXTRA_PARAM_CHARS_CEILING}, got ${JSON.stringify(value) ?? describeType(value)}`);
  return DEFAULT_MAX_EXTRA_PARAM_CHARS;
};

const readRecipientsRef = (value: unknown, options: ParsePopulateOptions, issues: IssueList): RecipientOrigin | undefined => {
  const hint = options.allowFile ? '{ "s3": "s3://bucket/key.jsonl" } or { "file": "path.jsonl" }' : '{ "s3": "s3://bucket/key.jsonl" }';
  if (!isObject(value)) {
    issues.add('recipients', `must be ${hint}, got ${describeType(value)}`);
    return undefined;
  }
  rejectUnknownFields(value, ['s3', 'file'], 'recipients.', issues);
  const given = ['s3', 'file'].filter((k) => value[k] !== undefined);
  if (given.length !== 1) {
    issues.add('recipients', `must name exactly one of s3${options.allowFile ? ' or file' : ''}: ${hint}`);
    return undefined;
  }
  if (value.s3 !== undefined) {
    const match = typeof value.s3 === 'string' ? S3_URL.exec(value.s3.trim()) : null;
    if (!match) {
      issues.add('recipients.s3', `must be an S3 URL such as "s3://bucket/key.jsonl", got ${JSON.stringify(value.s3) ?? describeType(value.s3)}`);
      return undefined;
    }
    return { kind: 's3', url: (value.s3 as string).trim(), bucket: match[1]!, key: match[2]! };
  }
  if (!options.allowFile) {
    issues.add('recipients.file', 'a local file can be named only on the command line; here use recipients.s3');
    return undefined;
  }
  if (typeof value.file !== 'string' || value.file.trim() === '') {
    issues.add('recipients.file', `must be a path to a JSON Lines file, got ${describeType(value.file)}`);
    return undefined;
  }
  return { kind: 'file', path: value.file };
};

/** Checks every inline recipient, listing at most MAX_LISTED_RECIPIENT_ISSUES problems and counting the rest. */
const checkInlineRecipients = (
  list: readonly unknown[],
  defaults: ExtraParamDefaults,
  maxExtraParamChars: number,
  issues: IssueList,
): void => {
  let unlisted = 0;
  let listed = 0;
  list.forEach((recipient, index) => {
    const check = checkRecipient(recipient, defaults, maxExtraParamChars);
    if (check.ok) return;
    for (const issue of check.issues) {
      if (listed < MAX_LISTED_RECIPIENT_ISSUES) {
        issues.add(listField(index, issue.field), issue.problem);
        listed += 1;
      } else unlisted += 1;
    }
  });
  if (unlisted > 0) issues.add('recipient_list', `and ${unlisted} more problems (the first ${MAX_LISTED_RECIPIENT_ISSUES} are listed)`);
};

/**
 * Reads a populate request: a direct payload, Scheduler input or an EventBridge event whose `detail`
 * holds it. Throws one InvalidRequestError listing every problem; inline recipients are checked here too,
 * so an invalid list reaches no vendor.
 */
const parsePopulateRequest = (input: unknown, options: ParsePopulateOptions): PopulateRequest => {
  const issues = new IssueList();
  const raw = readRequestObject(unwrapEnvelope(input), issues);
  rejectUnknownFields(raw, REQUEST_FIELDS, '', issues);

  if (raw.action !== undefined && raw.action !== 'populate') {
    issues.add('action', `says ${JSON.stringify(raw.action)} but this is a populate`);
  }
  if (raw.provider === undefined) issues.add('provider', 'is required: "kahuna"');
  else if (raw.provider === 'deltadna' || raw.provider === 'ocamba') {
    issues.add('provider', `${raw.provider} campaigns are paused and resumed, not populated (populate is for kahuna)`);
  } else if (raw.provider !== 'kahuna') issues.add('provider', `must be "kahuna", got ${JSON.stringify(raw.provider) ?? describeType(raw.provider)}`);

  const secret = readSecretName(raw.secret, issues);

  if (raw.env === undefined) issues.add('env', 'is required: "p" (production) or "s" (sandbox)');
  else if (!(POPULATE_ENVS as readonly unknown[]).includes(raw.env)) {
    issues.add('env', `must be "p" (production) or "s" (sandbox), got ${JSON.stringify(raw.env) ?? describeType(raw.env)}`);
  }

  const campaignConfig = readCampaignConfig(raw.campaign_config, issues);
  const maxExtraParamChars = readMaxExtraParamChars(raw.maxExtraParamChars, issues);
  const defaultParams = readDefaultParams(raw.default_params, issues);
  const defaults = extraDefaults(defaultParams);
  if (defaults.chars > maxExtraParamChars) {
    issues.add(
      'default_params',
      `extra parameters total ${defaults.chars} characters (keys plus values), over the limit of ${maxExtraParamChars} for a push`,
    );
  }

  let recipients: RecipientOrigin | undefined;
  if (raw.recipient_list !== undefined && raw.recipients !== undefined) {
    issues.add('recipients', 'give either recipient_list (inline) or recipients (a JSON Lines object or file), not both');
  } else if (raw.recipient_list !== undefined) {
    if (!Array.isArray(raw.recipient_list)) {
      issues.add('recipient_list', `must be an array of recipient objects, got ${describeType(raw.recipient_list)}`);
    } else if (raw.recipient_list.length === 0) {
      issues.add('recipient_list', 'must hold at least one recipient');
    } else {
      if (defaults.chars <= maxExtraParamChars) checkInlineRecipients(raw.recipient_list, defaults, maxExtraParamChars, issues);
      recipients = { kind: 'list', list: raw.recipient_list };
    }
  } else if (raw.recipients !== undefined) {
    recipients = readRecipientsRef(raw.recipients, options, issues);
  } else {
    issues.add('recipient_list', 'is required (or recipients: { "s3": "s3://bucket/key.jsonl" } for a large list)');
  }

  const dryRun = readBoolean(raw.dryRun, 'dryRun', issues) ?? false;
  const wait = readBoolean(raw.wait, 'wait', issues) ?? true;

  issues.throwIfAny();
  return {
    provider: 'kahuna',
    secret: secret!,
    env: raw.env as PopulateEnv,
    campaignConfig: campaignConfig!,
    ...(defaultParams !== undefined ? { defaultParams } : {}),
    recipients: recipients!,
    dryRun,
    wait,
    maxExtraParamChars,
  };
};

// ---------------------------------------------------------------------------------------------------
// What the engine needs from the vendor (providers/kahuna.ts implements it)

const JobStatus = { pending: 'PENDING', running: 'RUNNING', done: 'DONE', failed: 'FAILED' } as const;
type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];
const JOB_STATUSES: readonly string[] = Object.values(JobStatus);

/** A populate job as the vendor reports it, on submission and on every status read. */
interface PopulateJob {
  readonly jobId: string;
  readonly status: JobStatus;
  readonly created?: string;
  readonly usersRequested?: number;
  readonly usersScheduled?: number;
  readonly usersNotFound?: number;
}

interface PopulateClient {
  /** Submits one request body, already serialised (its size was measured on exactly these bytes). */
  populate(env: PopulateEnv, body: string): Promise<PopulateJob>;
  jobStatus(env: PopulateEnv, jobId: string): Promise<PopulateJob>;
}

// ---------------------------------------------------------------------------------------------------
// Chunking

/**
 * Vendor limits on one request: body under 10 MB, about 100,000 users. The document does not say whether
 * a MB is 10^6 or 2^20 bytes: the smaller reading is the one no vendor can refuse.
 */
const DEFAULT_MAX_BODY_BYTES = 10_000_000;
const DEFAULT_MAX_RECIPIENTS_PER_REQUEST = 100_000;

interface PlannedBody {
  /** The serialised body; empty when only measuring (dry run, inline pre-check). */
  readonly body: string;
  readonly bytes: number;
  readonly recipients: number;
  readonly users: number;
  readonly firstRecipient: number;
  readonly lastRecipient: number;
}

/**
 * Accumulates serialised recipients into bodies strictly under `maxBodyBytes`. Each recipient is
 * serialised once; the body's size is tracked as it grows (prefix + recipients + commas + suffix),
 * never by re-serialising the body.
 */
class BodyBuilder {
  readonly #prefix: string;
  readonly #fixedBytes: number;
  readonly #maxBodyBytes: number;
  readonly #maxRecipients: number;
  readonly #keepText: boolean;
  #parts: string[] = [];
  #bytes = 0;
  #users = 0;
  #first = 0;
  #last = 0;

  constructor(head: Json, limits: { maxBodyBytes: number; maxRecipients: number; keepText: boolean }) {
    const headJson = JSON.stringify(head);
    this.#prefix = `${headJson.slice(0, -1)},"recipient_list":[`;
    this.#fixedBytes = Buffer.byteLength(this.#prefix) + Buffer.byteLength(']}');
    this.#maxBodyBytes = limits.maxBodyBytes;
    this.#maxRecipients = limits.maxRecipients;
    this.#keepText = limits.keepText;
    this.#bytes = this.#fixedBytes;
  }

  /** Bytes of a body holding just this recipient; it must stay under the limit. */
  aloneBytes(recipientBytes: number): number {
    return this.#fixedBytes + recipientBytes;
  }

  get maxBodyBytes(): number {
    return this.#maxBodyBytes;
  }

  /** Adds a recipient that fits alone; returns the finished body it did not fit into, if any. */
  add(position: number, json: string, bytes: number, users: number): PlannedBody | undefined {
    let finished: PlannedBody | undefined;
    const count = this.#parts.length;
    if (count > 0 && (this.#bytes + 1 + bytes >= this.#maxBodyBytes || count >= this.#maxRecipients)) {
      finished = this.finish();
    }
    if (this.#parts.length === 0) {
      this.#first = position;
      this.#bytes += bytes;
    } else this.#bytes += 1 + bytes;
    this.#parts.push(this.#keepText ? json : '');
    this.#last = position;
    this.#users += users;
    return finished;
  }

  finish(): PlannedBody | undefined {
    if (this.#parts.length === 0) return undefined;
    const planned: PlannedBody = {
      body: this.#keepText ? `${this.#prefix}${this.#parts.join(',')}]}` : '',
      bytes: this.#bytes,
      recipients: this.#parts.length,
      users: this.#users,
      firstRecipient: this.#first,
      lastRecipient: this.#last,
    };
    this.#parts = [];
    this.#bytes = this.#fixedBytes;
    this.#users = 0;
    return planned;
  }
}

type PlanItem =
  | { readonly kind: 'body'; readonly planned: PlannedBody }
  | { readonly kind: 'invalid'; readonly line: number; readonly issues: readonly FieldIssue[] };

interface PlanStats {
  recipients: number;
  valid: number;
  invalid: number;
}

/** The head every body of a request shares. */
const bodyHead = (request: PopulateRequest): Json => ({
  campaign_config: request.campaignConfig,
  ...(request.defaultParams !== undefined ? { default_params: request.defaultParams } : {}),
});

/** Streams recipients through validation into bodies; invalid recipients are yielded with their issues. */
async function* planBodies(
  source: RecipientSource,
  request: PopulateRequest,
  limits: { maxBodyBytes: number; maxRecipients: number; keepText: boolean },
  stats: PlanStats,
): AsyncGenerator<PlanItem> {
  const builder = new BodyBuilder(bodyHead(request), limits);
  const defaults = extraDefaults(request.defaultParams);
  for await (const item of source) {
    stats.recipients += 1;
    if ('error' in item) {
      stats.invalid += 1;
      yield { kind: 'invalid', line: item.line, issues: [{ field: '', problem: item.error }] };
      continue;
    }
    const check = checkRecipient(item.value, defaults, request.maxExtraParamChars);
    if (!check.ok) {
      stats.invalid += 1;
      yield { kind: 'invalid', line: item.line, issues: check.issues };
      continue;
    }
    const json = JSON.stringify(check.recipient);
    const bytes = Buffer.byteLength(json);
    const alone = builder.aloneBytes(bytes);
    if (alone >= builder.maxBodyBytes) {
      stats.invalid += 1;
      yield {
        kind: 'invalid',
        line: item.line,
        issues: [{ field: '', problem: `is too large for any request: alone it makes a body of ${alone} bytes; a body must stay under ${builder.maxBodyBytes}` }],
      };
      continue;
    }
    stats.valid += 1;
    const finished = builder.add(item.line, json, bytes, check.users);
    if (finished) yield { kind: 'body', planned: finished };
  }
  const last = builder.finish();
  if (last) yield { kind: 'body', planned: last };
}

// ---------------------------------------------------------------------------------------------------
// The result

/**
 * A request's status: the job's (PENDING, RUNNING, DONE, FAILED), or `planned` (dry run), `rejected`
 * (the vendor refused it for a permanent reason: its message in `detail`), `failed` (retries exhausted,
 * no answer, or an answer we cannot read).
 */
type PopulateRequestStatus = JobStatus | 'planned' | 'rejected' | 'failed';

interface JobCounts {
  readonly usersRequested?: number;
  readonly usersScheduled?: number;
  readonly usersNotFound?: number;
}

interface PopulateRequestOutcome {
  /** 0-based, in the order the recipients came. */
  readonly index: number;
  /** Index in recipient_list (0-based) or line in the JSON Lines source (1-based). */
  readonly firstRecipient: number;
  readonly lastRecipient: number;
  readonly recipients: number;
  /** `k_to` values in all. */
  readonly users: number;
  readonly bytes: number;
  jobId?: string;
  status: PopulateRequestStatus;
  counts?: JobCounts;
  /** Why, whenever the status is not DONE (and notes worth knowing when it is). */
  detail?: string;
}

interface InvalidRecipient {
  /** Index in recipient_list (0-based) or line in the JSON Lines source (1-based). */
  readonly line: number;
  readonly reason: string;
}

interface PopulateSummary {
  recipients: number;
  valid: number;
  invalid: number;
  requests: number;
  submitted: number;
  failedRequests: number;
  jobsDone: number;
  jobsFailed: number;
  usersRequested: number;
  usersScheduled: number;
  usersNotFound: number;
}

interface PopulateResult {
  readonly action: 'populate';
  readonly provider: 'kahuna';
  readonly secret: string;
  readonly env: PopulateEnv;
  readonly campaignId: number;
  /** Where the recipients came from: "recipient_list", an s3:// URL or a file path. */
  readonly source: string;
  readonly dryRun: boolean;
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly summary: PopulateSummary;
  readonly requests: readonly PopulateRequestOutcome[];
  /** The first MAX_LISTED_INVALID_RECIPIENTS; summary.invalid counts them all. */
  readonly invalidRecipients: readonly InvalidRecipient[];
  /** Set when the run stopped before every recipient was sent (credentials refused, source unreadable). */
  readonly error?: string;
  /** The vendor refused the credentials or the account's permission (401/403/409): a person must fix them. */
  readonly accountRefused?: true;
}

const MAX_LISTED_INVALID_RECIPIENTS = 1000;

const summarizePopulate = (
  stats: PlanStats,
  requests: readonly PopulateRequestOutcome[],
): PopulateSummary => {
  const summary: PopulateSummary = {
    recipients: stats.recipients,
    valid: stats.valid,
    invalid: stats.invalid,
    requests: requests.length,
    submitted: 0,
    failedRequests: 0,
    jobsDone: 0,
    jobsFailed: 0,
    usersRequested: 0,
    usersScheduled: 0,
    usersNotFound: 0,
  };
  for (const request of requests) {
    if (request.jobId !== undefined) summary.submitted += 1;
    if (request.status === 'rejected' || request.status === 'failed') summary.failedRequests += 1;
    if (request.status === JobStatus.done) summary.jobsDone += 1;
    if (request.status === JobStatus.failed) summary.jobsFailed += 1;
    summary.usersRequested += request.counts?.usersRequested ?? 0;
    summary.usersScheduled += request.counts?.usersScheduled ?? 0;
    summary.usersNotFound += request.counts?.usersNotFound ?? 0;
  }
  return summary;
};

/**
 * 0: every recipient was valid, every request was accepted and no job FAILED (jobs still PENDING or
 * RUNNING when the run stopped waiting count as accepted); 1: anything else, skipped invalid recipients
 * included, since those users were not added.
 */
const exitCodeOfPopulate = (result: Pick<PopulateResult, 'summary' | 'requests' | 'error'>): 0 | 1 => {
  if (result.error !== undefined) return 1;
  if (result.summary.invalid > 0) return 1;
  return result.requests.every((r) => r.status !== 'rejected' && r.status !== 'failed' && r.status !== JobStatus.failed) ? 0 : 1;
};

// ---------------------------------------------------------------------------------------------------
// The engine

interface PopulateOptions {
  /** Needed unless the request is a dry run. */
  readonly client?: PopulateClient;
  /** The recipients of a request that names recipients.s3 or recipients.file, opened by the caller. */
  readonly recipients?: RecipientSource;
  readonly log?: Log;
  readonly telemetry?: Telemetry;
  readonly now?: () => Date;
  readonly runId?: string;
  /** Time between two status reads of one job; the vendor asks for at most one every 30 s. */
  readonly pollIntervalMs?: number;
  /** How long a job is followed after its submission before the run reports it as still running. */
  readonly maxWaitMs?: number;
  /** Requests in flight at once (the vendor takes at most 10). */
  readonly maxInFlight?: number;
  readonly maxBodyBytes?: number;
  readonly maxRecipientsPerRequest?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_POLL_INTERVAL_MS = 30_000;
const DEFAULT_MAX_WAIT_MS = 10 * 60_000;
const VENDOR_MAX_IN_FLIGHT = 10;
/** Status reads of one job that may fail in a row (after the HTTP retries) before it is given up on. */
const MAX_POLL_FAILURES = 3;

const isTerminal = (status: PopulateRequestStatus): boolean => status !== JobStatus.pending && status !== JobStatus.running;

/** The vendor refused the account (credentials, permission), not one body: no other request can succeed. */
const refusesAccount = (error: unknown): boolean =>
  error instanceof VendorError && (error.status === 401 || error.status === 403 || error.status === 409);

const countsOf = (job: PopulateJob): JobCounts | undefined => {
  const counts: JobCounts = {
    ...(job.usersRequested !== undefined ? { usersRequested: job.usersRequested } : {}),
    ...(job.usersScheduled !== undefined ? { usersScheduled: job.usersScheduled } : {}),
    ...(job.usersNotFound !== undefined ? { usersNotFound: job.usersNotFound } : {}),
  };
  return Object.keys(counts).length > 0 ? counts : undefined;
};

const jobDetail = (job: PopulateJob): string | undefined => {
  if (job.status === JobStatus.failed) return `the vendor reports job ${job.jobId} FAILED`;
  if (job.status === JobStatus.done && (job.usersNotFound ?? 0) > 0) {
    return `${job.usersNotFound} users not found (users first seen by Kahuna less than about 60 s earlier may be among them)`;
  }
  return undefined;
};

const applyJob = (entry: PopulateRequestOutcome, job: PopulateJob): void => {
  entry.jobId = job.jobId;
  entry.status = job.status;
  const counts = countsOf(job);
  if (counts) entry.counts = counts;
  const detail = jobDetail(job);
  if (detail) entry.detail = detail;
  else delete entry.detail;
};

const describeOrigin = (origin: RecipientOrigin): string =>
  origin.kind === 'list' ? 'recipient_list' : origin.kind === 's3' ? origin.url : origin.path;

/**
 * An inline list is checked whole, sizes included, before anything is sent: any invalid recipient makes
 * the request invalid.
 */
const precheckInline = async (
  list: readonly unknown[],
  request: PopulateRequest,
  limits: { maxBodyBytes: number; maxRecipients: number },
): Promise<void> => {
  const issues = new IssueList();
  let listed = 0;
  let unlisted = 0;
  const stats: PlanStats = { recipients: 0, valid: 0, invalid: 0 };
  for await (const item of planBodies(fromArray(list), request, { ...limits, keepText: false }, stats)) {
    if (item.kind !== 'invalid') continue;
    for (const issue of item.issues) {
      if (listed < MAX_LISTED_RECIPIENT_ISSUES) {
        issues.add(listField(item.line, issue.field), issue.problem);
        listed += 1;
      } else unlisted += 1;
    }
  }
  if (unlisted > 0) issues.add('recipient_list', `and ${unlisted} more problems (the first ${MAX_LISTED_RECIPIENT_ISSUES} are listed)`);
  issues.throwIfAny();
};

/**
 * Runs a populate request and accounts for it. Throws InvalidRequestError (inline recipients invalid)
 * or ConfigurationError (no client, no recipient stream) before sending anything; after the first send
 * it always returns a result, so what was submitted is never lost to an exception.
 */
const runPopulate = async (request: PopulateRequest, options: PopulateOptions = {}): Promise<PopulateResult> => {
  const log = options.log ?? silentLog;
  const telemetry = options.telemetry ?? noTelemetry;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => defaultSleep(ms));
  const runId = options.runId ?? randomUUID();
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const maxInFlight = Math.max(1, Math.min(options.maxInFlight ?? VENDOR_MAX_IN_FLIGHT, VENDOR_MAX_IN_FLIGHT));
  const limits = {
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxRecipients: options.maxRecipientsPerRequest ?? DEFAULT_MAX_RECIPIENTS_PER_REQUEST,
  };
  for (const [name, value] of Object.entries({ ...limits, pollIntervalMs, maxWaitMs })) {
    if (!Number.isSafeInteger(value) || value < 0 || (value === 0 && name.startsWith('max'))) {
      throw new ConfigurationError(`populate: ${name} must be a positive whole number, got ${value}`);
    }
  }
  const startedAt = now().toISOString();
  const { env } = request;

  const client = options.client;
  if (!request.dryRun && !client) throw new ConfigurationError('populate needs a Kahuna client unless it is a dry run');
  let source: RecipientSource;
  if (request.recipients.kind === 'list') {
    await precheckInline(request.recipients.list, request, limits);
    source = fromArray(request.recipients.list);
  } else if (options.recipients) {
    source = options.recipients;
  } else {
    throw new ConfigurationError(`populate: the recipients at ${describeOrigin(request.recipients)} were not opened (no recipient stream given)`);
  }

  const context = { runId, secret: request.secret, env, campaignId: request.campaignConfig.campaign_id };
  log.info('populate started', { ...context, source: describeOrigin(request.recipients), dryRun: request.dryRun });

  const stats: PlanStats = { recipients: 0, valid: 0, invalid: 0 };
  const entries: PopulateRequestOutcome[] = [];
  const invalidRecipients: InvalidRecipient[] = [];
  const followers: Promise<void>[] = [];
  const submissions: Promise<void>[] = [];
  const slots = concurrencyLimiter(maxInFlight);
  let stopped: string | undefined;
  let accountRefused = false;
  let firstUnsent: number | undefined;
  let error: string | undefined;

  const follow = async (entry: PopulateRequestOutcome, jobId: string): Promise<void> => {
    const deadline = now().getTime() + maxWaitMs;
    let failures = 0;
    while (!isTerminal(entry.status)) {
      if (now().getTime() + pollIntervalMs > deadline) {
        entry.detail = `job ${jobId} still ${entry.status} after following it for ${Math.round(maxWaitMs / 1000)} s; read its status later`;
        return;
      }
      await sleep(pollIntervalMs);
      try {
        applyJob(entry, await client!.jobStatus(env, jobId));
        failures = 0;
      } catch (caught) {
        failures += 1;
        if (!isRetryable(caught) || failures >= MAX_POLL_FAILURES) {
          entry.detail = `job ${jobId} was ${entry.status} when its status could no longer be read: ${describeError(caught)}`;
          log.warn('populate job status unreadable', { ...context, index: entry.index, jobId, reason: describeError(caught) });
          return;
        }
      }
    }
    log.info('populate job finished', { ...context, index: entry.index, jobId, status: entry.status, ...entry.counts });
  };

  const submit = async (entry: PopulateRequestOutcome, body: string, probe: boolean): Promise<void> => {
    try {
      const job = await client!.populate(env, body);
      applyJob(entry, job);
      telemetry.count(METRICS.populateRecipientsSubmitted, entry.recipients);
      log.info('populate request submitted', {
        ...context,
        index: entry.index,
        jobId: job.jobId,
        status: job.status,
        recipients: entry.recipients,
        bytes: entry.bytes,
      });
      if (!isTerminal(entry.status)) {
        if (request.wait) followers.push(follow(entry, job.jobId));
        else entry.detail = `not followed (wait: false): job ${job.jobId} was ${job.status} when submitted`;
      }
    } catch (caught) {
      const permanent = caught instanceof VendorError && !caught.retryable;
      entry.status = permanent ? 'rejected' : 'failed';
      // The error's message names the call, the status and the vendor's own words; never a credential.
      entry.detail = describeError(caught);
      if (!(caught instanceof VendorError)) {
        entry.detail += ' (the vendor may have created the job: check before sending these recipients again)';
      }
      log.warn('populate request not accepted', { ...context, index: entry.index, status: entry.status, reason: describeError(caught) });
      if (refusesAccount(caught)) accountRefused = true;
      if (!stopped && (probe || refusesAccount(caught))) {
        stopped = probe
          ? `the first request was not accepted (${entry.detail}); nothing else was sent`
          : `the vendor refused the account (${entry.detail}); no further request was sent`;
      }
    }
  };

  const plan = planBodies(source, request, { ...limits, keepText: !request.dryRun }, stats);
  try {
    for await (const item of plan) {
      if (item.kind === 'invalid') {
        if (invalidRecipients.length < MAX_LISTED_INVALID_RECIPIENTS) {
          invalidRecipients.push({ line: item.line, reason: describeIssues(item.issues) });
        }
        continue;
      }
      const { planned } = item;
      if (stopped) {
        firstUnsent = planned.firstRecipient;
        break;
      }
      const entry: PopulateRequestOutcome = {
        index: entries.length,
        firstRecipient: planned.firstRecipient,
        lastRecipient: planned.lastRecipient,
        recipients: planned.recipients,
        users: planned.users,
        bytes: planned.bytes,
        status: 'planned',
      };
      if (request.dryRun) {
        entry.detail = 'dry run: not sent';
        entries.push(entry);
        continue;
      }
      if (entries.length === 0) {
        entries.push(entry);
        await submit(entry, planned.body, true);
        continue;
      }
      // Backpressure: wait for a free slot before reading on, so at most maxInFlight bodies are in
      // flight and one more is built.
      const release = await slots.acquire();
      if (stopped) {
        release();
        firstUnsent = planned.firstRecipient;
        break;
      }
      entries.push(entry);
      submissions.push(submit(entry, planned.body, false).finally(release));
    }
  } catch (caught) {
    error = `reading the recipients failed after ${stats.recipients} recipients: ${describeError(caught)}`;
    log.error('populate recipients unreadable', { ...context, reason: describeError(caught) });
  }
  await Promise.all(submissions);
  await Promise.all(followers);

  if (stopped) {
    const why = firstUnsent !== undefined ? `${stopped}; recipients from ${firstUnsent} on were not sent` : stopped;
    error = error === undefined ? why : `${why}; ${error}`;
  }
  if (stats.invalid > 0) telemetry.count(METRICS.populateRecipientsInvalid, stats.invalid);

  const result: PopulateResult = {
    action: 'populate',
    provider: 'kahuna',
    secret: request.secret,
    env,
    campaignId: request.campaignConfig.campaign_id,
    source: describeOrigin(request.recipients),
    dryRun: request.dryRun,
    runId,
    startedAt,
    finishedAt: now().toISOString(),
    summary: summarizePopulate(stats, entries),
    requests: entries,
    invalidRecipients,
    ...(error !== undefined ? { error } : {}),
    ...(accountRefused ? { accountRefused: true as const } : {}),
  };
  log.info('populate finished', { ...context, ...result.summary, ...(error !== undefined ? { error } : {}) });
  return result;
};

export {
  POPULATE_ENVS,
  CRED_TYPES,
  JobStatus,
  JOB_STATUSES,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_RECIPIENTS_PER_REQUEST,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_MAX_WAIT_MS,
  MAX_LISTED_INVALID_RECIPIENTS,
  BodyBuilder,
  parsePopulateRequest,
  planBodies,
  runPopulate,
  summarizePopulate,
  exitCodeOfPopulate,
};
export type {
  PopulateEnv,
  CredType,
  CampaignConfig,
  ParamValue,
  RecipientOrigin,
  PopulateRequest,
  ParsePopulateOptions,
  PopulateJob,
  PopulateClient,
  PlannedBody,
  PlanItem,
  PlanStats,
  PopulateRequestStatus,
  PopulateRequestOutcome,
  JobCounts,
  InvalidRecipient,
  PopulateSummary,
  PopulateResult,
  PopulateOptions,
};
