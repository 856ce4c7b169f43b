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
import { parsePopulateRequest, runPopulate, type PopulateClient, type PopulateEnv, type PopulateJob } from '../functions/core/populate.js';
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
} from './report.js';

/** The vendor's limits (reference/kahuna-adaptive-campaign-api.txt): "up to ten requests simultaneously", "smaller than 10 MB". */
const KAHUNA = { maxInFlight: 10, maxBodyBytes: 10 * 1024 * 1024, usersPerBody: 100_000 } as const;
const SIM: SimProcessOptions = { latencyMs: 20, pendingMs: 20, runningMs: 50 };
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
  lastSubmittedAt = 0;

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
      this.lastSubmittedAt = performance.now();
    }
  }

  jobStatus(env: PopulateEnv, jobId: string): Promise<PopulateJob> {
    return this.#inner.jobStatus(env, jobId);
  }
}

const startSimProcess = (): Promise<{ child: ChildProcess; url: string }> =>
  new Promise((resolve, reject) => {
    const path = fileURLToPath(new URL('./kahuna-sim-process.ts', import.meta.url));
    // The parent's execArgv carries tsx's loader, so the child runs TypeScript too.
    const child = fork(path, [JSON.stringify(SIM)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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

/** Live heap is flat when it grows by less than a tenth of what the recipients read between checkpoints weigh as text. */
const judgeLiveHeap = (liveHeap: MemoryTrack['liveHeap'], bytesPerRecipient: number): { growth: number; textBetween: number } => {
  const first = liveHeap[0]!;
  const last = liveHeap[liveHeap.length - 1]!;
  return { growth: last.heapUsed - first.heapUsed, textBetween: (last.recipients - first.recipients) * bytesPerRecipient };
};

const run = async (context: BenchContext): Promise<BenchReport> => {
  const count = countSetting('BENCH_RECIPIENTS', context.long ? 5_000_000 : 1_000_000);
  const gc = exposeGc();
  gc?.();
  const baseline = process.memoryUsage();
  const track: MemoryTrack = {
    baselineRss: baseline.rss,
    baselineHeap: baseline.heapUsed,
    peakRss: baseline.rss,
    peakHeap: baseline.heapUsed,
    peakExternal: baseline.external + baseline.arrayBuffers,
    liveHeap: [],
  };
  const sampler = setInterval(() => sampleInto(track), 20);
  const { child, url } = await startSimProcess();
  try {
    const request = parsePopulateRequest(
      {
        provider: 'kahuna',
        secret: 'bench/kahuna',
        env: 's',
        campaign_config: { campaign_id: 999, cred_type: 'email' },
        default_params: { k_send_ts: 1767225600, company: 'Acme' },
        recipients: { file: `(${count} generated recipients)` },
      },
      { allowFile: true },
    );
    const client = new CountingClient(new KahunaClient({ credentials: { ...DEMO_CREDENTIALS.kahuna, baseUrl: url } }));
    const progress = setInterval(() => {
      const done = track.liveHeap.length;
      context.progress(`kahuna-populate: ${done * 10}% of ${fmtInt(count)} recipients read`);
    }, 10_000);
    const started = performance.now();
    const result = await runPopulate(request, {
      client,
      recipients: fromJsonLines(generateRecipients(count, track, gc)),
      pollIntervalMs: POLL_INTERVAL_MS,
      maxWaitMs: 300_000,
    }).finally(() => clearInterval(progress));
    const elapsed = performance.now() - started;
    sampleInto(track);
    const sim = await simFigures(child);

    const s = result.summary;
    const bodies = result.requests;
    const bytesPerRecipient = recipientLine(count).length;
    const textBytes = count * bytesPerRecipient;
    const meanBody = sim.populateRequests > 0 ? sim.bodyBytesSum / sim.populateRequests : 0;
    const rows = [
      infoRow('recipients streamed', fmtInt(s.recipients), '—', `${fmtInt(s.valid)} valid, ${fmtInt(s.invalid)} invalid`),
      infoRow('populate requests (bodies sent)', fmtInt(sim.populateRequests), '—', `${fmtInt(s.jobsDone)} jobs DONE, ${fmtInt(s.failedRequests)} failed`),
      underRow('largest body (bytes)', sim.bodyBytesMax, KAHUNA.maxBodyBytes),
      underRow('mean body (bytes)', Math.round(meanBody), KAHUNA.maxBodyBytes),
      atMostRow('most recipients in one body', sim.recipientsPerBodyMax, KAHUNA.usersPerBody),
      atMostRow('most populate requests in flight', sim.maxInFlightSeen, KAHUNA.maxInFlight),
      noneRow('429 answers (too many at once)', sim.throttledCount, 'throttles'),
      noneRow('populates refused (413, 400)', sim.refusedPopulates, 'refusals'),
      infoRow('recipients per second', fmtInt(count / (elapsed / 1000)), '—', `${fmtSeconds(elapsed)} in all, last body answered at ${fmtSeconds(client.lastSubmittedAt - started)}`),
      infoRow('users the vendor was asked for', fmtInt(sim.usersRequested), '—', sim.usersRequested === count ? 'every recipient, once' : `EXPECTED ${fmtInt(count)}`),
      infoRow('peak RSS (client process)', fmtMiB(track.peakRss), '—', `+${fmtMiB(track.peakRss - track.baselineRss)} over the start`),
      infoRow('peak heap used (sampled)', fmtMiB(track.peakHeap), '—', `+${fmtMiB(track.peakHeap - track.baselineHeap)} over the start`),
      infoRow('peak external + array buffers', fmtMiB(track.peakExternal), '—', 'request bodies on their way out'),
    ];
    const notes: string[] = [
      `All ${fmtInt(count)} recipients as JSON Lines text weigh ${fmtMiB(textBytes)}; a design that held them would need several times that in heap.`,
      `The engine's own bound: ${KAHUNA.maxInFlight} bodies in flight + 1 being built, each < ${fmtMiB(KAHUNA.maxBodyBytes)}; it held at most ${client.maxOpen} populate calls open at once.`,
      `Bodies as submitted: ${bodies.map((b) => fmtInt(b.recipients)).join(', ')} recipients.`,
    ];
    if (track.liveHeap.length >= 2) {
      const { growth, textBetween } = judgeLiveHeap(track.liveHeap, bytesPerRecipient);
      const flat = growth < textBetween / 10;
      rows.push(
        infoRow(
          'live heap growth, first to last checkpoint',
          `${growth >= 0 ? '+' : ''}${fmtMiB(growth)}`,
          'flat (not ∝ N)',
          flat
            ? `bounded: ${fmt1((growth / textBetween) * 100)}% of the ${fmtMiB(textBetween)} of recipients read in between`
            : `GROWS WITH N: ${fmt1((growth / textBetween) * 100)}% of the ${fmtMiB(textBetween)} read in between`,
        ),
      );
      notes.push(
        `Live heap after a full GC at each tenth of the stream (MiB): ${track.liveHeap.map((c) => fmt1(c.heapUsed / (1024 * 1024))).join(', ')}.`,
      );
    } else {
      notes.push('V8 would not expose gc(), so live heap could not be measured at checkpoints; see the sampled peaks.');
    }
    notes.push(`Simulator process peak RSS (not counted above): ${fmtMiB(sim.simPeakRssBytes)}.`);
    if (result.error) notes.push(`populate error: ${result.error}`);
    return {
      setup: [
        `${fmtInt(count)} recipients (~${bytesPerRecipient} B a line) generated lazily as JSON Lines -> runPopulate -> KahunaClient -> simulator in a child process`,
        `simulator latency ${SIM.latencyMs} ms, jobs PENDING ${SIM.pendingMs} ms then RUNNING ${SIM.runningMs} ms, polled every ${POLL_INTERVAL_MS} ms; recordBodies off`,
      ],
      rows,
      notes,
    };
  } finally {
    clearInterval(sampler);
    await stopSimProcess(child);
  }
};

const kahunaPopulate: Benchmark = {
  name: 'kahuna-populate',
  title: 'a million recipients streamed to Kahuna within 10 in flight and < 10 MB bodies, memory bounded',
  run,
};

export { kahunaPopulate };
