/**
 * The populate engine: add users to a Kahuna adaptive campaign. The request is read by
 * populate-request.ts, the vendor is reached through populate-port.ts, the result is populate-result.ts.
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
import { ConfigurationError, VendorError, describeError, isRetryable, refusesCredentials } from './errors.js';
import { noTelemetry, silentLog, type Log, type Telemetry } from './ports.js';
import { concurrencyLimiter } from './rate-limiter.js';
import { describeIssues, fromArray, listField, type RecipientSource } from './recipients.js';
import { sleep as defaultSleep } from './retry.js';
import { CappedIssues, IssueList } from './validation.js';
import { METRICS } from '../settings.js';
import { MAX_LISTED_RECIPIENT_ISSUES, type PopulateEnv, type PopulateRequest, type RecipientOrigin } from './populate-request.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_RECIPIENTS_PER_REQUEST, planBodies, type PlannedBody, type PlanStats } from './populate-bodies.js';
import { JobStatus, type PopulateClient, type PopulateJob } from './populate-port.js';
import {
  MAX_LISTED_INVALID_RECIPIENTS,
  summarizePopulate,
  type InvalidRecipient,
  type JobCounts,
  type PopulateRequestOutcome,
  type PopulateRequestStatus,
  type PopulateResult,
} from './populate-result.js';

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
  /**
   * Asks the run to stop (a person's Ctrl-C): no request is sent after it fires, requests in flight
   * finish, jobs are not followed further, and the result says what was sent and what was not.
   */
  readonly signal?: AbortSignal;
}

const DEFAULT_POLL_INTERVAL_MS = 30_000;
const DEFAULT_MAX_WAIT_MS = 10 * 60_000;
const VENDOR_MAX_IN_FLIGHT = 10;
/** Status reads of one job that may fail in a row (after the HTTP retries) before it is given up on. */
const MAX_POLL_FAILURES = 3;
const INTERRUPTED = 'interrupted: no further request was sent';

interface BodyLimits {
  readonly maxBodyBytes: number;
  readonly maxRecipients: number;
}

/** The options with their defaults, checked once. */
interface RunSettings {
  readonly log: Log;
  readonly telemetry: Telemetry;
  readonly now: () => Date;
  readonly signal: AbortSignal | undefined;
  /** Ends at once when the run is asked to stop. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly runId: string;
  readonly pollIntervalMs: number;
  readonly maxWaitMs: number;
  readonly maxInFlight: number;
  readonly limits: BodyLimits;
}

/**
 * Runs a populate request and accounts for it. Throws InvalidRequestError (inline recipients invalid)
 * or ConfigurationError (no client, no recipient stream) before sending anything; after the first send
 * it always returns a result, so what was submitted is never lost to an exception.
 */
const runPopulate = async (request: PopulateRequest, options: PopulateOptions = {}): Promise<PopulateResult> => {
  const settings = readSettings(options);
  const startedAt = settings.now().toISOString();
  const client = options.client;
  if (!request.dryRun && !client) throw new ConfigurationError('populate needs a Kahuna client unless it is a dry run');
  const source = await openRecipients(request, options.recipients, settings.limits);
  return new PopulateRun(request, settings, client, startedAt).run(source);
};

const readSettings = (options: PopulateOptions): RunSettings => {
  const signal = options.signal;
  const givenSleep = options.sleep ?? ((ms: number) => defaultSleep(ms, signal).catch(() => {}));
  // A stop ends a wait between status reads at once.
  const stopWaiting = signal
    ? new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })))
    : undefined;
  const sleep = (ms: number): Promise<void> => (stopWaiting ? Promise.race([givenSleep(ms), stopWaiting]) : givenSleep(ms));
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const limits = {
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxRecipients: options.maxRecipientsPerRequest ?? DEFAULT_MAX_RECIPIENTS_PER_REQUEST,
  };
  for (const [name, value] of Object.entries({ ...limits, pollIntervalMs, maxWaitMs })) {
    if (!Number.isSafeInteger(value) || value < 0 || (value === 0 && name.startsWith('max'))) {
      throw new ConfigurationError(`populate: ${name} must be a positive whole number, got ${value}`);
    }
  }
  return {
    log: options.log ?? silentLog,
    telemetry: options.telemetry ?? noTelemetry,
    now: options.now ?? (() => new Date()),
    signal,
    sleep,
    runId: options.runId ?? randomUUID(),
    pollIntervalMs,
    maxWaitMs,
    maxInFlight: Math.max(1, Math.min(options.maxInFlight ?? VENDOR_MAX_IN_FLIGHT, VENDOR_MAX_IN_FLIGHT)),
    limits,
  };
};

/** The recipients to read: an inline list (checked whole first) or the stream the caller opened. */
const openRecipients = async (request: PopulateRequest, opened: RecipientSource | undefined, limits: BodyLimits): Promise<RecipientSource> => {
  if (request.recipients.kind === 'list') {
    await precheckInline(request.recipients.list, request, limits);
    return fromArray(request.recipients.list);
  }
  if (opened) return opened;
  throw new ConfigurationError(`populate: the recipients at ${describeOrigin(request.recipients)} were not opened (no recipient stream given)`);
};

/**
 * An inline list is checked whole, sizes included, before anything is sent: any invalid recipient makes
 * the request invalid.
 */
const precheckInline = async (list: readonly unknown[], request: PopulateRequest, limits: BodyLimits): Promise<void> => {
  const issues = new IssueList(MAX_LISTED_RECIPIENT_ISSUES + 1);
  const capped = new CappedIssues(issues, MAX_LISTED_RECIPIENT_ISSUES);
  const stats: PlanStats = { recipients: 0, valid: 0, invalid: 0 };
  for await (const item of planBodies(fromArray(list), request, { ...limits, keepText: false }, stats)) {
    if (item.kind === 'invalid') for (const issue of item.issues) capped.add(listField(item.line, issue.field), issue.problem);
  }
  capped.close('recipient_list');
  issues.throwIfAny();
};

/**
 * One run: reads the planned bodies in order, sends the first alone and the rest with at most
 * maxInFlight at once, follows each job, and builds the result. Everything it learns is kept on it.
 */
class PopulateRun {
  readonly #request: PopulateRequest;
  readonly #settings: RunSettings;
  readonly #client: PopulateClient | undefined;
  readonly #startedAt: string;
  readonly #env: PopulateEnv;
  readonly #context: Readonly<Record<string, unknown>>;
  readonly #stats: PlanStats = { recipients: 0, valid: 0, invalid: 0 };
  readonly #entries: PopulateRequestOutcome[] = [];
  readonly #invalidRecipients: InvalidRecipient[] = [];
  readonly #followers: Promise<void>[] = [];
  readonly #submissions: Promise<void>[] = [];
  /** Why nothing more is sent, once something says so. */
  #stopped: string | undefined;
  #accountRefused = false;
  #firstUnsent: number | undefined;
  #error: string | undefined;

  constructor(request: PopulateRequest, settings: RunSettings, client: PopulateClient | undefined, startedAt: string) {
    this.#request = request;
    this.#settings = settings;
    this.#client = client;
    this.#startedAt = startedAt;
    this.#env = request.env;
    this.#context = { runId: settings.runId, secret: request.secret, env: request.env, campaignId: request.campaignConfig.campaign_id };
  }

  async run(source: RecipientSource): Promise<PopulateResult> {
    const { log, telemetry } = this.#settings;
    log.info('populate started', { ...this.#context, source: describeOrigin(this.#request.recipients), dryRun: this.#request.dryRun });
    try {
      await this.#sendAll(source);
    } catch (caught) {
      this.#error = `reading the recipients failed after ${this.#stats.recipients} recipients: ${describeError(caught)}`;
      log.error('populate recipients unreadable', { ...this.#context, reason: describeError(caught) });
    }
    await Promise.all(this.#submissions);
    await Promise.all(this.#followers);

    if (this.#stopped) {
      const why = this.#firstUnsent !== undefined ? `${this.#stopped}; recipients from ${this.#firstUnsent} on were not sent` : this.#stopped;
      this.#error = this.#error === undefined ? why : `${why}; ${this.#error}`;
    }
    if (this.#stats.invalid > 0) telemetry.count(METRICS.populateRecipientsInvalid, this.#stats.invalid);
    const result = this.#result();
    log.info('populate finished', { ...this.#context, ...result.summary, ...(this.#error !== undefined ? { error: this.#error } : {}) });
    return result;
  }

  /** Reads the planned bodies and sends each, until the source ends or something stops the run. */
  async #sendAll(source: RecipientSource): Promise<void> {
    const request = this.#request;
    const signal = this.#settings.signal;
    const slots = concurrencyLimiter(this.#settings.maxInFlight);
    const plan = planBodies(source, request, { ...this.#settings.limits, keepText: !request.dryRun }, this.#stats);
    for await (const item of plan) {
      if (item.kind === 'invalid') {
        if (this.#invalidRecipients.length < MAX_LISTED_INVALID_RECIPIENTS) {
          this.#invalidRecipients.push({ line: item.line, reason: describeIssues(item.issues) });
        }
        continue;
      }
      const { planned } = item;
      if (signal?.aborted && !request.dryRun) this.#stopped ??= INTERRUPTED;
      if (this.#stopped) {
        this.#firstUnsent = planned.firstRecipient;
        return;
      }
      const entry = this.#newEntry(planned);
      if (request.dryRun) {
        entry.detail = 'dry run: not sent';
        this.#entries.push(entry);
        continue;
      }
      if (this.#entries.length === 0) {
        this.#entries.push(entry);
        await this.#submit(entry, planned.body, true);
        continue;
      }
      // Backpressure: wait for a free slot before reading on, so at most maxInFlight bodies are in
      // flight and one more is built.
      const release = await slots.acquire();
      if (signal?.aborted) this.#stopped ??= INTERRUPTED;
      if (this.#stopped) {
        release();
        this.#firstUnsent = planned.firstRecipient;
        return;
      }
      this.#entries.push(entry);
      this.#submissions.push(this.#submit(entry, planned.body, false).finally(release));
    }
  }

  #newEntry(planned: PlannedBody): PopulateRequestOutcome {
    return {
      index: this.#entries.length,
      firstRecipient: planned.firstRecipient,
      lastRecipient: planned.lastRecipient,
      recipients: planned.recipients,
      users: planned.users,
      bytes: planned.bytes,
      status: 'planned',
    };
  }

  /** Sends one body; `probe` is the first, sent alone: if it is not accepted, nothing else is sent. */
  async #submit(entry: PopulateRequestOutcome, body: string, probe: boolean): Promise<void> {
    const { log, telemetry } = this.#settings;
    try {
      const job = await this.#client!.populate(this.#env, body);
      applyJob(entry, job);
      telemetry.count(METRICS.populateRecipientsSubmitted, entry.recipients);
      log.info('populate request submitted', {
        ...this.#context,
        index: entry.index,
        jobId: job.jobId,
        status: job.status,
        recipients: entry.recipients,
        bytes: entry.bytes,
      });
      if (!isTerminal(entry.status)) {
        if (this.#request.wait) this.#followers.push(this.#follow(entry, job.jobId));
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
      log.warn('populate request not accepted', { ...this.#context, index: entry.index, status: entry.status, reason: describeError(caught) });
      if (refusesAccount(caught)) this.#accountRefused = true;
      if (!this.#stopped && (probe || refusesAccount(caught))) {
        this.#stopped = probe
          ? `the first request was not accepted (${entry.detail}); nothing else was sent`
          : `the vendor refused the account (${entry.detail}); no further request was sent`;
      }
    }
  }

  /** Reads a job's status until it is DONE or FAILED, the wait is over, or the run is asked to stop. */
  async #follow(entry: PopulateRequestOutcome, jobId: string): Promise<void> {
    const { log, now, signal, sleep, pollIntervalMs, maxWaitMs } = this.#settings;
    const deadline = now().getTime() + maxWaitMs;
    let failures = 0;
    while (!isTerminal(entry.status)) {
      if (signal?.aborted) {
        entry.detail = `job ${jobId} was ${entry.status} when the run was interrupted; read its status later`;
        return;
      }
      if (now().getTime() + pollIntervalMs > deadline) {
        entry.detail = `job ${jobId} still ${entry.status} after following it for ${Math.round(maxWaitMs / 1000)} s; read its status later`;
        return;
      }
      await sleep(pollIntervalMs);
      if (signal?.aborted) continue;
      try {
        applyJob(entry, await this.#client!.jobStatus(this.#env, jobId));
        failures = 0;
      } catch (caught) {
        failures += 1;
        if (!isRetryable(caught) || failures >= MAX_POLL_FAILURES) {
          entry.detail = `job ${jobId} was ${entry.status} when its status could no longer be read: ${describeError(caught)}`;
          log.warn('populate job status unreadable', { ...this.#context, index: entry.index, jobId, reason: describeError(caught) });
          return;
        }
      }
    }
    log.info('populate job finished', { ...this.#context, index: entry.index, jobId, status: entry.status, ...entry.counts });
  }

  #result(): PopulateResult {
    const request = this.#request;
    const error = this.#error;
    return {
      action: 'populate',
      provider: 'kahuna',
      secret: request.secret,
      env: this.#env,
      campaignId: request.campaignConfig.campaign_id,
      source: describeOrigin(request.recipients),
      dryRun: request.dryRun,
      runId: this.#settings.runId,
      startedAt: this.#startedAt,
      finishedAt: this.#settings.now().toISOString(),
      summary: summarizePopulate(this.#stats, this.#entries),
      requests: this.#entries,
      invalidRecipients: this.#invalidRecipients,
      ...(error !== undefined ? { error } : {}),
      ...(this.#accountRefused ? { accountRefused: true as const } : {}),
      ...(this.#settings.signal?.aborted ? { interrupted: true as const } : {}),
    };
  }
}

const isTerminal = (status: PopulateRequestStatus): boolean => status !== JobStatus.pending && status !== JobStatus.running;

/** The vendor refused the account (credentials, permission), not one body: no other request can succeed. */
const refusesAccount = (error: unknown): boolean =>
  error instanceof VendorError && refusesCredentials(error.status);

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

export { runPopulate };
export type { PopulateOptions };
