/**
 * The Kahuna simulator in a process of its own, for the populate benchmark: the simulator reads and
 * parses every 10 MB body it is sent, and that memory must not be counted as the client's. Started by
 * kahuna-populate.ts with fork(); it answers on the IPC channel and exits when the channel closes.
 *
 *   parent <- { kind: 'ready', url }
 *   parent -> { kind: 'report' }      parent <- { kind: 'report', ...SimFigures }
 */
import { DEMO_CREDENTIALS, startKahunaSim } from '../sim/index.js';

interface SimProcessOptions {
  readonly latencyMs: number;
  readonly pendingMs: number;
  readonly runningMs: number;
  /** Extra time a populate answer takes (a vendor slow to take 10 MB); status reads keep latencyMs. */
  readonly populateDelayMs?: number;
}

/** What the vendor side saw: the figures held against Kahuna's limits. */
interface SimFigures {
  readonly populateRequests: number;
  readonly statusReads: number;
  readonly maxInFlightSeen: number;
  /**
   * Populate requests in flight on average, from the second one's arrival to the last answer: the
   * first is sent alone, by design, so it is left out.
   */
  readonly meanInFlightAfterFirst: number;
  readonly throttledCount: number;
  /** Answers other than 200 to a populate (413 body too large, 400 invalid). */
  readonly refusedPopulates: number;
  readonly jobs: number;
  readonly usersRequested: number;
  readonly bodyBytesMax: number;
  readonly bodyBytesSum: number;
  readonly recipientsPerBodyMax: number;
  readonly simPeakRssBytes: number;
}

type ParentMessage = { readonly kind: 'report' };
type ChildMessage = ({ readonly kind: 'ready'; readonly url: string }) | ({ readonly kind: 'report' } & SimFigures);

const POPULATE_PATH = '/api/campaign/populate';

const main = async (): Promise<void> => {
  const options = JSON.parse(process.argv[2] ?? '{}') as SimProcessOptions;
  const sim = await startKahunaSim({
    ...DEMO_CREDENTIALS.kahuna,
    campaignIds: [999],
    latencyMs: options.latencyMs,
    jobTiming: { pendingMs: options.pendingMs, runningMs: options.runningMs },
    recordBodies: false,
  });
  if (options.populateDelayMs !== undefined && options.populateDelayMs > 0) {
    sim.inject({ method: 'POST', path: POPULATE_PATH, times: Number.POSITIVE_INFINITY, fault: { kind: 'delay', ms: options.populateDelayMs } });
  }
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 50);

  const send = (message: ChildMessage): void => {
    process.send?.(message);
  };

  process.on('message', (message: ParentMessage) => {
    if (message.kind !== 'report') return;
    const populates = sim.requests.filter((r) => r.method === 'POST' && r.path === POPULATE_PATH);
    const jobs = sim.jobs;
    const after = populates.slice(1);
    const from = after.reduce((min, r) => Math.min(min, r.startedAt), Number.POSITIVE_INFINITY);
    const to = after.reduce((max, r) => Math.max(max, r.finishedAt), 0);
    const busy = after.reduce((sum, r) => sum + (r.finishedAt - r.startedAt), 0);
    send({
      kind: 'report',
      populateRequests: populates.length,
      statusReads: sim.requests.length - populates.length,
      maxInFlightSeen: sim.maxInFlightSeen,
      meanInFlightAfterFirst: to > from ? busy / (to - from) : 0,
      throttledCount: sim.throttledCount,
      refusedPopulates: populates.filter((r) => r.status !== 200).length,
      jobs: jobs.length,
      usersRequested: jobs.reduce((sum, job) => sum + job.usersRequested, 0),
      bodyBytesMax: populates.reduce((max, r) => Math.max(max, r.bodyBytes), 0),
      bodyBytesSum: populates.reduce((sum, r) => sum + r.bodyBytes, 0),
      recipientsPerBodyMax: jobs.reduce((max, job) => Math.max(max, job.recipients), 0),
      simPeakRssBytes: peakRss,
    });
  });
  process.on('disconnect', () => {
    clearInterval(sampler);
    void sim.close();
  });
  send({ kind: 'ready', url: sim.url });
};

main().catch((error: unknown) => {
  console.error('kahuna simulator process failed:', error);
  process.exit(1);
});

export type { ChildMessage, ParentMessage, SimFigures, SimProcessOptions };
