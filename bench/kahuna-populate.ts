/**
 * kahuna-populate: a million recipients streamed from JSON Lines through runPopulate to the Kahuna
 * simulator, held against the vendor's limits (at most 10 populate requests at once, each body under
 * 10 MB) and against the promise that memory does not grow with the number of recipients.
 *
 * The recipients are generated lazily, a 64 KB chunk at a time with a turn of the event loop between
 * chunks, as a file or S3 stream delivers them. The simulator runs in a child process, so the memory
 * figures are the client's alone.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { DEFAULT_MAX_RECIPIENTS_PER_REQUEST } from '../functions/core/populate-bodies.js';
import type { PopulateEnv } from '../functions/core/populate-request.js';
import { runPopulate } from '../functions/core/populate.js';
import { parsePopulateRequest } from '../functions/core/populate-request.js';
import type { PopulateClient, PopulateJob } from '../functions/core/populate-port.js';
import type { PopulateResult } from '../functions/core/populate-result.js';
import { fromJsonLines } from '../functions/core/recipients.js';
import { KahunaClient } from '../functions/providers/kahuna.js';
import { DEMO_CREDENTIALS } from '../sim/index.js';
import type { ChildMessage, SimFigures, SimProcessOptions } from './kahuna-sim-process.js';
import {
  atMostRow,
  countSetting,
  fmt1,
  fmtInt,
  fmtMiB,
  fmtSeconds,
  infoRow,
  noneRow,
  underRow,
  type BenchContext,
  type BenchReport,
  type Benchmark,
  type Row,
} from './report.js';

/** The vendor's limits (Kahuna's Adaptive Campaign API document): "up to ten requests simultaneously", "smaller than 10 MB". */
const KAHUNA = { maxInFlight: 10, maxBodyBytes: 10_000_000, usersPerBody: 100_000 } as const;
/** Answers as fast as loopback allows: the client's own pace is what is measured. */
const FAST_SIM: SimProcessOptions = { latencyMs: 20, pendingMs: 20, runningMs: 50 };
/**
 * A vendor that takes 8 s over each populate, longer than the client needs to build ten full bodies:
 * the 10-in-flight bound is what limits, and memory is at its worst (ten bodies of ~8 MB on their way).
 * 1.2 million recipients make 12 bodies: the first goes alone, then ten fill the slots and one waits.
 */
const SLOW_SIM: SimProcessOptions = { ...FAST_SIM, populateDelayMs: 8_000 };
const SLOW_RECIPIENTS = 1_200_000;
const POLL_INTERVAL_MS = 50;
const CHUNK_CHARS = 64 * 1024;
const DEPARTMENTS = ['writing', 'sales', 'support', 'design', 'finance'] as const;
/** Live-heap checkpoints along the stream: after a full GC at each tenth of the recipients. */
const CHECKPOINTS = 10;

const recipientLine = (n: number): string =>
  `{"k_to":["user${n}@example.com"],"first_name":"User ${n % 997}","department":"${DEPARTMENTS[n % DEPARTMENTS.length]}"}\n`;

/** A full garbage collection, when V8 lets us ask for one; live heap is then what is really held. */
const exposeGc = (): (() => void) | undefined => {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
};

interface MemoryTrack {
  baselineRss: number;
  baselineHeap: number;
  peakRss: number;
  peakHeap: number;
  peakExternal: number;
  /** Recipients generated so far (read by the engine up to one chunk later). */
  generated: number;
  /** heapUsed right after a full GC, at each tenth of the stream (recipients generated so far). */
  readonly liveHeap: { recipients: number; heapUsed: number }[];
}

const sampleInto = (track: MemoryTrack): void => {
  const usage = process.memoryUsage();
  track.peakRss = Math.max(track.peakRss, usage.rss);
  track.peakHeap = Math.max(track.peakHeap, usage.heapUsed);
  track.peakExternal = Math.max(track.peakExternal, usage.external + usage.arrayBuffers);
};

/**
 * JSON Lines for `count` recipients, never more than one chunk of them in memory. Memory is sampled at
 * every chunk (the stream is where the pressure comes from) and live heap measured at each checkpoint.
 */
async function* generateRecipients(count: number, track: MemoryTrack, gc: (() => void) | undefined): AsyncGenerator<string> {
  const checkpointEvery = Math.max(1, Math.floor(count / CHECKPOINTS));
  let chunk = '';
  for (let n = 1; n <= count; n += 1) {
    chunk += recipientLine(n);
    if (gc && n % checkpointEvery === 0 && n < count) {
      gc();
      track.liveHeap.push({ recipients: n, heapUsed: process.memoryUsage().heapUsed });
    }
    if (chunk.length >= CHUNK_CHARS || n === count) {
      track.generated = n;
      sampleInto(track);
      yield chunk;
      chunk = '';
      await nextTurn();
    }
  }
}

/** Counts the populate calls the engine has open at once: the bodies it holds while they travel. */
class CountingClient implements PopulateClient {
  readonly #inner: PopulateClient;
  #open = 0;
  maxOpen = 0;
  /** performance.now() when the last populate was answered. */
  lastAnsweredAt = 0;

  constructor(inner: PopulateClient) {
    this.#inner = inner;
  }

  async populate(env: PopulateEnv, body: string): Promise<PopulateJob> {
    this.#open += 1;
    this.maxOpen = Math.max(this.maxOpen, this.#open);
    try {
      return await this.#inner.populate(env, body);
    } finally {
      this.#open -= 1;
      this.lastAnsweredAt = performance.now();
    }
  }

  jobStatus(env: PopulateEnv, jobId: string): Promise<PopulateJob> {
    return this.#inner.jobStatus(env, jobId);
  }
}

const startSimProcess = (options: SimProcessOptions): Promise<{ child: ChildProcess; url: string }> =>
  new Promise((resolve, reject) => {
    const path = fileURLToPath(new URL('./kahuna-sim-process.ts', import.meta.url));
    // The parent's execArgv carries tsx's loader, so the child runs TypeScript too.
    const child = fork(path, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the Kahuna simulator process exited early (code ${code})`)));
    child.once('message', (message: ChildMessage) => {
      if (message.kind === 'ready') resolve({ child, url: message.url });
    });
  });

const simFigures = (child: ChildProcess): Promise<SimFigures> =>
  new Promise((resolve) => {
    child.once('message', (message: ChildMessage) => {
      if (message.kind === 'report') resolve(message);
    });
    child.send({ kind: 'report' });
  });

const stopSimProcess = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    child.removeAllListeners('exit');
    if (child.exitCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    child.disconnect();
  });

interface PhaseOptions {
  readonly count: number;
  readonly sim: SimProcessOptions;
  readonly track: MemoryTrack;
  readonly gc: (() => void) | undefined;
  readonly progress: (line: string) => void;
}

interface PhaseResult {
  readonly result: PopulateResult;
  readonly sim: SimFigures;
  readonly elapsedMs: number;
  /** From the start, when the last populate was answered (jobs are followed after). */
  readonly lastAnsweredMs: number;
  readonly maxOpen: number;
}

/** One populate run of `count` generated recipients against a fresh simulator process. */
const populatePhase = async (options: PhaseOptions): Promise<PhaseResult> => {
  const { child, url } = await startSimProcess(options.sim);
  const sampler = setInterval(() => sampleInto(options.track), 20);
  const ticker = setInterval(() => {
    options.progress(`kahuna-populate: ${fmtInt(options.track.generated)} of ${fmtInt(options.count)} recipients read`);
  }, 10_000);
  try {
    const request = parsePopulateRequest(
      {
        provider: 'kahuna',
        secret: 'bench/kahuna',
        env: 's',
        campaign_config: { campaign_id: 999, cred_type: 'email' },
        default_params: { k_send_ts: 1767225600, company: 'Acme' },
        recipients: { file: `(${options.count} generated recipients)` },
      },
      { allowFile: true },
    );
    const client = new CountingClient(new KahunaClient({ credentials: { ...DEMO_CREDENTIALS.kahuna, baseUrl: url } }));
    const started = performance.now();
    const result = await runPopulate(request, {
      client,
      recipients: fromJsonLines(generateRecipients(options.count, options.track, options.gc)),
      pollIntervalMs: POLL_INTERVAL_MS,
      maxWaitMs: 300_000,
    });
    const elapsedMs = performance.now() - started;
    sampleInto(options.track);
    return {
      result,
      sim: await simFigures(child),
      elapsedMs,
      lastAnsweredMs: client.lastAnsweredAt - started,
      maxOpen: client.maxOpen,
    };
  } finally {
    clearInterval(sampler);
    clearInterval(ticker);
    await stopSimProcess(child);
  }
};

const newTrack = (): MemoryTrack => {
  const usage = process.memoryUsage();
  return {
    baselineRss: usage.rss,
    baselineHeap: usage.heapUsed,
    peakRss: usage.rss,
    peakHeap: usage.heapUsed,
    peakExternal: usage.external + usage.arrayBuffers,
    generated: 0,
    liveHeap: [],
  };
};

/**
 * Live heap may differ between two checkpoints by one body in the making (its recipients' JSON plus the
 * joined text: about twice the body limit) whatever N is; anything beyond that grows with N. Judged only
 * on checkpoints past the first body, and only when more recipients passed between them than that
 * allowance could hide twice over.
 */
const liveHeapRow = (liveHeap: MemoryTrack['liveHeap'], bytesPerRecipient: number): Row => {
  const steady = liveHeap.filter((c) => c.recipients > DEFAULT_MAX_RECIPIENTS_PER_REQUEST);
  const allowance = 2 * KAHUNA.maxBodyBytes;
  const first = steady[0];
  const last = steady[steady.length - 1];
  const textBetween = first && last ? (last.recipients - first.recipients) * bytesPerRecipient : 0;
  if (!first || !last || textBetween < 2 * allowance) {
    // Checkpoints from 20% to 90% of N leave 0.7 N recipients between them.
    const needed = Math.ceil((2 * allowance) / (0.7 * bytesPerRecipient) / 50_000) * 50_000;
    return infoRow('live heap growth', '—', 'flat, not ∝ N', `not judged: too few recipients to tell (about ${fmtInt(needed)} or more needed)`);
  }
  const growth = last.heapUsed - first.heapUsed;
  const bounded = growth < allowance;
  const what = `${fmtMiB(textBetween)} of recipients went through; one body in the making may hold ${fmtMiB(allowance)}`;
  return {
    figure: `live heap growth, ${fmtInt(first.recipients)} to ${fmtInt(last.recipients)} recipients`,
    value: `${growth >= 0 ? '+' : ''}${fmtMiB(growth)}`,
    limit: 'flat, not ∝ N',
    verdict: bounded ? `bounded: ${what}` : `GROWS WITH N: ${what}`,
    crossed: !bounded,
  };
};

/** `100,000 × 9, 42,317`: equal neighbours counted, so fifty bodies stay one short line. */
const runLengths = (values: readonly number[]): string => {
  const runs: { value: number; times: number }[] = [];
  for (const value of values) {
    const last = runs[runs.length - 1];
    if (last?.value === value) last.times += 1;
    else runs.push({ value, times: 1 });
  }
  return runs.map((r) => (r.times === 1 ? fmtInt(r.value) : `${fmtInt(r.value)} × ${r.times}`)).join(', ');
};

const memoryRows = (label: string, track: MemoryTrack): Row[] => [
  infoRow(`${label}peak RSS (client process)`, fmtMiB(track.peakRss), '—', `+${fmtMiB(track.peakRss - track.baselineRss)} over the start`),
  infoRow(`${label}peak heap used (sampled)`, fmtMiB(track.peakHeap), '—', `+${fmtMiB(track.peakHeap - track.baselineHeap)} over the start`),
  infoRow(`${label}peak external + array buffers`, fmtMiB(track.peakExternal), '—', 'request bodies on their way out, until collected'),
];

const run = async (context: BenchContext): Promise<BenchReport> => {
  const count = countSetting('BENCH_RECIPIENTS', context.long ? 5_000_000 : 1_000_000);
  const gc = exposeGc();
  gc?.();
  const track = newTrack();
  const main = await populatePhase({ count, sim: FAST_SIM, track, gc, progress: context.progress });
  context.progress(`kahuna-populate: ${fmtInt(SLOW_RECIPIENTS)} recipients to a vendor taking ${SLOW_SIM.populateDelayMs! / 1000} s a populate`);
  gc?.();
  const slowTrack = newTrack();
  const slow = await populatePhase({ count: SLOW_RECIPIENTS, sim: SLOW_SIM, track: slowTrack, gc: undefined, progress: context.progress });

  const s = main.result.summary;
  const sim = main.sim;
  const bytesPerRecipient = recipientLine(count).length;
  const meanBody = sim.populateRequests > 0 ? sim.bodyBytesSum / sim.populateRequests : 0;
  const rows: Row[] = [
    infoRow('recipients streamed', fmtInt(s.recipients), '—', `${fmtInt(s.valid)} valid, ${fmtInt(s.invalid)} invalid`),
    infoRow('populate requests (bodies sent)', fmtInt(sim.populateRequests), '—', `${fmtInt(s.jobsDone)} jobs DONE, ${fmtInt(s.failedRequests)} failed`),
    underRow('largest body (bytes)', sim.bodyBytesMax, KAHUNA.maxBodyBytes),
    underRow('mean body (bytes)', Math.round(meanBody), KAHUNA.maxBodyBytes),
    atMostRow('most recipients in one body', sim.recipientsPerBodyMax, KAHUNA.usersPerBody),
    atMostRow('most populate requests in flight', sim.maxInFlightSeen, KAHUNA.maxInFlight),
    noneRow('429 answers (too many at once)', sim.throttledCount, 'throttles'),
    noneRow('populates refused (413, 400)', sim.refusedPopulates, 'refusals'),
    infoRow(
      'recipients per second',
      fmtInt(count / (main.elapsedMs / 1000)),
      '—',
      `${fmtSeconds(main.elapsedMs)} in all, last body answered at ${fmtSeconds(main.lastAnsweredMs)}`,
    ),
    infoRow('users the vendor was asked for', fmtInt(sim.usersRequested), '—', sim.usersRequested === count ? 'every recipient, once' : `EXPECTED ${fmtInt(count)}`),
    ...memoryRows('', track),
  ];
  rows.push(liveHeapRow(track.liveHeap, bytesPerRecipient));
  rows.push(
    atMostRow('slow vendor: most populate requests in flight', slow.sim.maxInFlightSeen, KAHUNA.maxInFlight),
    atMostRow('slow vendor: mean in flight after the first', slow.sim.meanInFlightAfterFirst, KAHUNA.maxInFlight, fmt1),
    noneRow('slow vendor: 429 answers', slow.sim.throttledCount, 'throttles'),
    underRow('slow vendor: largest body (bytes)', slow.sim.bodyBytesMax, KAHUNA.maxBodyBytes),
    ...memoryRows('slow vendor: ', slowTrack),
  );

  const notes: string[] = [
    `All ${fmtInt(count)} recipients as JSON Lines text weigh ${fmtMiB(count * bytesPerRecipient)}; a design that held them would need several times that in heap.`,
    `The engine's own bound: ${KAHUNA.maxInFlight} bodies in flight + 1 being built, each < ${fmtMiB(KAHUNA.maxBodyBytes)}. Against the loopback simulator it held at most ${main.maxOpen} populate call(s) open at once: answers come faster than bodies are built.`,
    `Bodies as submitted (recipients each): ${runLengths(main.result.requests.map((b) => b.recipients))}.`,
    track.liveHeap.length > 0
      ? `Live heap after a full GC at each tenth of the stream (MiB): ${track.liveHeap.map((c) => fmt1(c.heapUsed / (1024 * 1024))).join(', ')}.`
      : 'V8 would not expose gc(), so live heap could not be measured at checkpoints; see the sampled peaks.',
    `Slow vendor: ${fmtInt(SLOW_RECIPIENTS)} recipients in ${fmtInt(slow.sim.populateRequests)} bodies, each populate answered after ${fmtSeconds(SLOW_SIM.populateDelayMs!)}; ` +
      `${slow.maxOpen} populate calls open at most; ${fmtSeconds(slow.elapsedMs)} in all. Its memory rows are the worst case: ten full bodies on their way.`,
    `Simulator process peak RSS (not counted above): ${fmtMiB(Math.max(sim.simPeakRssBytes, slow.sim.simPeakRssBytes))}.`,
    ...(main.result.error ? [`populate error: ${main.result.error}`] : []),
    ...(slow.result.error ? [`slow vendor populate error: ${slow.result.error}`] : []),
  ];
  return {
    setup: [
      `${fmtInt(count)} recipients (~${bytesPerRecipient} B a line) generated lazily as JSON Lines -> runPopulate -> KahunaClient -> simulator in a child process`,
      `simulator latency ${FAST_SIM.latencyMs} ms, jobs PENDING ${FAST_SIM.pendingMs} ms then RUNNING ${FAST_SIM.runningMs} ms, polled every ${POLL_INTERVAL_MS} ms; recordBodies off`,
    ],
    rows,
    notes,
  };
};

const kahunaPopulate: Benchmark = {
  name: 'kahuna-populate',
  title: 'a million recipients streamed to Kahuna within 10 in flight and < 10 MB bodies, memory bounded',
  run,
};

export { kahunaPopulate };
