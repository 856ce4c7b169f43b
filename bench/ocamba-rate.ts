/**
 * ocamba-rate: a window pausing then resuming N campaigns through runWindow, against the Ocamba
 * simulator with the vendor's real limits: 10 requests a second AND 150 a minute per account (fixed
 * windows), at most 10 in flight. Both runs share the account's limiter, as two runs in one process do.
 *
 * Efficiency is held against the fastest schedule the two windows allow for the same number of
 * requests: request k may go no sooner than 1 s after request k-10 and 60 s after request k-150. That
 * schedule is safe whatever the alignment of the vendor's windows, which a client cannot see.
 */
import { randomUUID } from 'node:crypto';
import { MemoryWindowStore } from '../functions/adapters/local/memory.js';
import { parseWindowRequest } from '../functions/core/request.js';
import type { WindowResult } from '../functions/core/result.js';
import { runWindow } from '../functions/core/window-run.js';
import { OcambaProvider } from '../functions/providers/ocamba.js';
import { DEMO_CREDENTIALS, startOcambaSim, type OcambaCampaign, type RecordedRequest } from '../sim/index.js';
import {
  atMostRow,
  countSetting,
  fmt1,
  fmtInt,
  fmtSeconds,
  infoRow,
  noneRow,
  shareRow,
  type BenchContext,
  type BenchReport,
  type Benchmark,
} from './report.js';
import { VENDORS } from '../functions/providers/index.js';

/** The vendor's documented limits (Ocamba's Hood API documentation), not the client's copy of them. */
const OCAMBA = { perSecond: 10, perMinute: 150, inFlight: 10 } as const;
const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
const LATENCY_MS = 30;
const PAGE_SIZE = 100;
/** WindowedLimiter's default margin, added to each window's length: it caps the 10/s phase at 10 per 1.1 s. */
const LIMITER_MARGIN_MS = 100;

const seedCampaigns = (count: number): OcambaCampaign[] =>
  Array.from({ length: count }, (_, i) => ({
    id: String(2_000_000 + i),
    name: `Bench push ${i}`,
    description: 'Benchmark campaign',
    labels: ['night-off'],
    status: 'running',
    send_strategy: 'immediately',
  }));

/** Requests the client would send for `campaigns`: a listing and one call per campaign, for pause and again for resume. */
const expectedRequests = (campaigns: number): number => 2 * (Math.max(1, Math.ceil(campaigns / PAGE_SIZE)) + campaigns);

/** Most of `times` (sorted) in any interval [t, t + lengthMs). */
const busiestSliding = (times: readonly number[], lengthMs: number): number => {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while (times[end]! - times[start]! >= lengthMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
};

/** Most of `times` in one window aligned to the clock, as the vendor (and the simulator) counts. */
const busiestAligned = (times: readonly number[], lengthMs: number): number => {
  const counts = new Map<number, number>();
  for (const t of times) counts.set(Math.floor(t / lengthMs), (counts.get(Math.floor(t / lengthMs)) ?? 0) + 1);
  return Math.max(0, ...counts.values());
};

/** The fastest safe schedule: ms from the first request to the last, for `count` requests (windows lengthened by `marginMs`). */
const bestSpan = (count: number, marginMs = 0): number => {
  const at: number[] = [];
  for (let k = 0; k < count; k += 1) {
    at.push(
      Math.max(
        k > 0 ? at[k - 1]! : 0,
        k >= OCAMBA.perSecond ? at[k - OCAMBA.perSecond]! + SECOND_MS + marginMs : 0,
        k >= OCAMBA.perMinute ? at[k - OCAMBA.perMinute]! + MINUTE_MS + marginMs : 0,
      ),
    );
  }
  return at[count - 1] ?? 0;
};

/** Requests per minute from the first one: how the minute windows were used. */
const perMinuteFromStart = (times: readonly number[]): number[] => {
  const counts: number[] = [];
  for (const t of times) {
    const minute = Math.floor((t - times[0]!) / MINUTE_MS);
    counts[minute] = (counts[minute] ?? 0) + 1;
  }
  return Array.from(counts, (c) => c ?? 0);
};

const kindOf = (request: RecordedRequest): string =>
  request.method === 'GET' ? 'list' : request.path.endsWith('/pause') ? 'pause' : request.path.endsWith('/resume') ? 'resume' : 'other';

const summaryOf = (result: WindowResult): string => {
  const s = result.summary;
  return `${s.changed} changed, ${s.unchanged} unchanged, ${s.rejected} rejected, ${s.failed} failed`;
};

const run = async (context: BenchContext): Promise<BenchReport> => {
  const count = countSetting('BENCH_OCAMBA_CAMPAIGNS', context.long ? 300 : 120);
  const sim = await startOcambaSim({
    ...DEMO_CREDENTIALS.ocamba,
    campaigns: seedCampaigns(count),
    limits: { perSecond: OCAMBA.perSecond, perMinute: OCAMBA.perMinute, inFlight: OCAMBA.inFlight },
    latencyMs: LATENCY_MS,
    recordBodies: false,
  });
  const expected = expectedRequests(count);
  const ticker = setInterval(() => context.progress(`ocamba-rate: ${sim.requests.length}/${expected} requests sent`), 10_000);
  try {
    // No limiter given: the provider takes the account's process-wide one, as every real run does.
    const provider = new OcambaProvider({ credentials: { ...DEMO_CREDENTIALS.ocamba, baseUrl: sim.url } });
    const store = new MemoryWindowStore();
    const window = { provider: 'ocamba', secret: 'bench/ocamba', window: 'bench', reason: 'Benchmark' };
    const started = performance.now();
    const pause = await runWindow(parseWindowRequest(window, 'pause', VENDORS), { provider, store, lease: store, runId: randomUUID() });
    const resume = await runWindow(parseWindowRequest(window, 'resume', VENDORS), { provider, store, lease: store, runId: randomUUID() });
    const elapsed = performance.now() - started;

    const requests = [...sim.requests].sort((a, b) => a.startedAt - b.startedAt);
    const times = requests.map((r) => r.startedAt);
    const sent = requests.length;
    const span = times[sent - 1]! - times[0]!;
    const best = bestSpan(sent);
    const kinds = new Map<string, number>();
    for (const r of requests) kinds.set(kindOf(r), (kinds.get(kindOf(r)) ?? 0) + 1);
    // While the minute still has quota the per-second window is the only brake: the first 150 requests.
    const burst = Math.min(sent, OCAMBA.perMinute);
    const burstSpan = times[burst - 1]! - times[0]!;
    const burstBest = bestSpan(burst);
    const burstWithMargin = bestSpan(burst, LIMITER_MARGIN_MS);
    const statuses = requests.filter((r) => r.status !== 204 && r.status !== 200).length;

    const rows = [
      infoRow('requests sent', fmtInt(sent), '—', [...kinds].map(([k, n]) => `${n} ${k}`).join(', ')),
      noneRow('429 answers', sim.throttledCount, 'throttles'),
      noneRow('other error answers', statuses - sim.throttledCount, 'errors'),
      atMostRow('most requests in flight', sim.maxInFlightSeen, OCAMBA.inFlight),
      atMostRow('busiest clock second (vendor count)', busiestAligned(times, SECOND_MS), OCAMBA.perSecond),
      atMostRow('busiest 1 s, any alignment', busiestSliding(times, SECOND_MS), OCAMBA.perSecond),
      atMostRow('busiest clock minute (vendor count)', busiestAligned(times, MINUTE_MS), OCAMBA.perMinute),
      atMostRow('busiest 60 s, any alignment', busiestSliding(times, MINUTE_MS), OCAMBA.perMinute),
      shareRow(
        'mean rate over the run (req/s)',
        fmt1(((sent - 1) / span) * 1000),
        `${fmt1(((sent - 1) / best) * 1000)}/s best for ${sent}`,
        best / span,
        'the best both windows allow',
      ),
      shareRow(
        `first ${burst} requests (10/s phase)`,
        fmtSeconds(burstSpan),
        `${fmtSeconds(burstBest)} best`,
        burstBest / burstSpan,
        `the per-second limit (the limiter's ${LIMITER_MARGIN_MS} ms margin alone allows ${Math.floor((burstBest / burstWithMargin) * 100)}%: ${fmtSeconds(burstWithMargin)})`,
      ),
      shareRow('first to last request', fmtSeconds(span), `${fmtSeconds(best)} best`, best / span, 'the best both windows allow'),
      infoRow('windows run', 'pause, resume', '—', `pause: ${summaryOf(pause)}; resume: ${summaryOf(resume)}`),
    ];
    return {
      setup: [
        `${fmtInt(count)} running campaigns paused then resumed through runWindow (~${fmtInt(expected)} requests), ${LATENCY_MS} ms latency`,
        `simulator limits: ${OCAMBA.perSecond}/s and ${OCAMBA.perMinute}/min (fixed windows, both), ${OCAMBA.inFlight} in flight; wall time ${fmtSeconds(elapsed)}`,
      ],
      rows,
      notes: [
        `Requests in each minute from the first: ${perMinuteFromStart(times).join(', ')}.`,
        'Best = the fastest schedule safe under any window alignment (<= 10 in any 1 s, <= 150 in any 60 s).',
      ],
    };
  } finally {
    clearInterval(ticker);
    await sim.close();
  }
};

const ocambaRate: Benchmark = {
  name: 'ocamba-rate',
  title: 'Ocamba pause + resume at 10/s and 150/min: how close to the limits, never over',
  run,
};

export { ocambaRate };
