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
import { ConfigurationError, VendorError, describeError, isRetryable } from './errors.js';
import { noTelemetry, silentLog, type Log, type Telemetry } from './ports.js';
import { concurrencyLimiter } from './rate-limiter.js';
import { describeIssues, fromArray, listField, type RecipientSource } from './recipients.js';
import { sleep as defaultSleep } from './retry.js';
import { CappedIssues, IssueList } from './validation.js';
import { METRICS } from '../settings.js';
import { MAX_LISTED_RECIPIENT_ISSUES, parsePopulateRequest, type PopulateEnv, type PopulateRequest, type RecipientOrigin } from './populate-request.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_RECIPIENTS_PER_REQUEST, planBodies, type PlanStats } from './populate-bodies.js';

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
  /** The run was asked to stop before it was done: `error` says from which recipient on nothing was sent. */
  readonly interrupted?: true;
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
 * Runs a populate request and accounts for it. Throws InvalidRequestError (inline recipients invalid)
 * or ConfigurationError (no client, no recipient stream) before sending anything; after the first send
 * it always returns a result, so what was submitted is never lost to an exception.
 */
const runPopulate = async (request: PopulateRequest, options: PopulateOptions = {}): Promise<PopulateResult> => {
  const log = options.log ?? silentLog;
  const telemetry = options.telemetry ?? noTelemetry;
  const now = options.now ?? (() => new Date());
  const signal = options.signal;
  const givenSleep = options.sleep ?? ((ms: number) => defaultSleep(ms, signal).catch(() => {}));
  // A stop ends a wait between status reads at once.
  const stopWaiting = signal
    ? new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })))
    : undefined;
  const sleep = (ms: number): Promise<void> => (stopWaiting ? Promise.race([givenSleep(ms), stopWaiting]) : givenSleep(ms));
  const INTERRUPTED = 'interrupted: no further request was sent';
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
      if (signal?.aborted && !request.dryRun) stopped ??= INTERRUPTED;
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
      if (signal?.aborted) stopped ??= INTERRUPTED;
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
    ...(signal?.aborted ? { interrupted: true as const } : {}),
  };
  log.info('populate finished', { ...context, ...result.summary, ...(error !== undefined ? { error } : {}) });
  return result;
};

export {
  JobStatus,
  JOB_STATUSES,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_MAX_WAIT_MS,
  MAX_LISTED_INVALID_RECIPIENTS,
  parsePopulateRequest,
  runPopulate,
  summarizePopulate,
  exitCodeOfPopulate,
};
export type {
  PopulateRequest,
  PopulateJob,
  PopulateClient,
  PopulateRequestStatus,
  PopulateRequestOutcome,
  JobCounts,
  InvalidRecipient,
  PopulateSummary,
  PopulateResult,
  PopulateOptions,
};
