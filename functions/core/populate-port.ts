/**
 * What the populate engine needs from the vendor: submit one request body, read a job's status.
 * providers/kahuna.ts implements it; tests and benchmarks bring their own.
 */
import type { PopulateEnv } from './populate-request.js';

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

export { JobStatus, JOB_STATUSES };
export type { PopulateJob, PopulateClient };
