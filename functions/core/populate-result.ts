/**
 * What a populate run reports: one outcome per request sent (or planned), the invalid recipients,
 * a summary of counts, and the exit code those mean.
 */
import { JobStatus } from './populate-port.js';
import type { PopulateEnv } from './populate-request.js';
import type { PlanStats } from './populate-bodies.js';

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

export { MAX_LISTED_INVALID_RECIPIENTS, summarizePopulate, exitCodeOfPopulate };
export type { PopulateRequestStatus, JobCounts, PopulateRequestOutcome, InvalidRecipient, PopulateSummary, PopulateResult };
