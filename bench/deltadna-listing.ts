/**
 * deltadna-listing: how fast a large deltaDNA account is read (page sizes 100 and 1000) and how fast a
 * window pauses a couple of thousand campaigns. deltaDNA documents no rate limit, so the bound held
 * against is our own: DeltaDnaProvider's requests in flight (4 by default). The best a bound allows is
 * set by the answer time: a sequential listing can read one page per answer, a pause run `bound`
 * campaigns per answer.
 */
import { randomUUID } from 'node:crypto';
import { MemoryWindowStore } from '../functions/adapters/local/memory.js';
import { parseWindowRequest } from '../functions/core/request.js';
import { runWindow } from '../functions/core/window-run.js';
import { DeltaDnaProvider } from '../functions/providers/deltadna.js';
import { DEMO_CREDENTIALS, DEMO_ENVIRONMENTS, startDeltaDnaSim, type DeltaDnaCampaign, type DeltaDnaSim } from '../sim/index.js';
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
  type Row,
} from './report.js';
import { VENDORS } from '../functions/providers/index.js';

const LATENCY_MS = 5;
const PAGE_SIZES = [100, 1000] as const;
/** The most campaigns a page the simulator serves (deltaDNA documents no maximum; 1000 is assumed). */
const MAX_PAGE_SIZE = 1000;
/** DeltaDnaProvider's default bound on requests in flight: deltaDNA documents none, so it is ours. */
const OUR_BOUND = 4;
const ENVIRONMENTS = [
  { id: DEMO_ENVIRONMENTS.deltaSlotDev, game: 'DeltaSlot', name: 'Dev' },
  { id: DEMO_ENVIRONMENTS.deltaSlotLive, game: 'DeltaSlot', name: 'Live' },
  { id: DEMO_ENVIRONMENTS.puzzleQuestDev, game: 'PuzzleQuest', name: 'Dev' },
  { id: DEMO_ENVIRONMENTS.puzzleQuestLive, game: 'PuzzleQuest', name: 'Live' },
];
const STATUSES = ['ACTIVE', 'ACTIVE', 'SCHEDULED', 'PAUSED', 'DRAFT', 'COMPLETED'] as const;

/** Campaigns the way the vendor serves them, extra fields included (clients must ignore them). */
const campaigns = (count: number, spread: boolean): DeltaDnaCampaign[] =>
  Array.from({ length: count }, (_, i) => ({
    id: 100_000 + i,
    name: `Bench campaign ${i}`,
    environment: spread ? ENVIRONMENTS[i % ENVIRONMENTS.length]!.id : DEMO_ENVIRONMENTS.deltaSlotLive,
    status: spread ? STATUSES[i % STATUSES.length]! : 'ACTIVE',
    trigger: 'gameStarted',
    priority: (i % 5) + 1,
    startDate: '2026-12-01T09:00:00Z',
  }));

const startSim = (list: readonly DeltaDnaCampaign[]): Promise<DeltaDnaSim> =>
  startDeltaDnaSim({
    ...DEMO_CREDENTIALS.deltadna,
    environments: ENVIRONMENTS,
    campaigns: list,
    latencyMs: LATENCY_MS,
    recordBodies: false,
  });

const credentials = (sim: DeltaDnaSim) => ({ ...DEMO_CREDENTIALS.deltadna, baseUrl: sim.url });

/** Lists the whole account at one page size; authentication happens before the clock starts. */
const listAt = async (count: number, pageSize: number): Promise<Row[]> => {
  const sim = await startSim(campaigns(count, true));
  try {
    const provider = new DeltaDnaProvider({ credentials: credentials(sim), pageSize });
    await provider.listEnvironments();
    sim.resetRequests();
    const started = performance.now();
    let read = 0;
    for await (const _ of provider.listCampaigns()) read += 1;
    const elapsed = performance.now() - started;
    const pages = sim.requests.length;
    const perSecond = read / (elapsed / 1000);
    // One page per answer is the best a sequential listing can do.
    const best = (pageSize / LATENCY_MS) * 1000;
    return [
      atMostRow(`page size ${pageSize}: campaigns per page`, pageSize, MAX_PAGE_SIZE),
      infoRow(`page size ${pageSize}: campaigns read`, fmtInt(read), '—', read === count ? `all of them in ${fmtInt(pages)} pages` : `EXPECTED ${fmtInt(count)}`),
      shareRow(
        `page size ${pageSize}: campaigns per second`,
        fmtInt(perSecond),
        `${fmtInt(best)}/s (1 page per ${LATENCY_MS} ms)`,
        perSecond / best,
        'the latency-bound best',
      ),
      infoRow(`page size ${pageSize}: time per page`, `${fmt1(elapsed / pages)} ms`, '—', `${fmtSeconds(elapsed)} in all; ${LATENCY_MS} ms of each is the simulated answer time`),
    ];
  } finally {
    await sim.close();
  }
};

/** A window pause of `count` running campaigns through runWindow with the default concurrency. */
const pauseAll = async (count: number): Promise<Row[]> => {
  const sim = await startSim(campaigns(count, false));
  try {
    const provider = new DeltaDnaProvider({ credentials: credentials(sim) });
    const store = new MemoryWindowStore();
    const request = parseWindowRequest(
      { provider: 'deltadna', secret: 'bench/deltadna', window: 'bench', select: { environment: DEMO_ENVIRONMENTS.deltaSlotLive } },
      'pause',
      VENDORS,
    );
    const started = performance.now();
    const result = await runWindow(request, { provider, store, lease: store, runId: randomUUID() });
    const elapsed = performance.now() - started;
    const pauses = sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/pause'));
    const first = pauses.reduce((min, r) => Math.min(min, r.startedAt), Number.POSITIVE_INFINITY);
    const last = pauses.reduce((max, r) => Math.max(max, r.finishedAt), 0);
    const perSecond = pauses.length / ((last - first) / 1000);
    const best = (OUR_BOUND / LATENCY_MS) * 1000;
    const errors = sim.requests.filter((r) => r.status >= 400).length;
    return [
      infoRow(
        `pause ${fmtInt(count)}: campaigns changed`,
        fmtInt(result.summary.changed),
        '—',
        result.summary.changed === count ? `all, ${fmtInt(sim.requests.length)} requests in ${fmtSeconds(elapsed)}` : `EXPECTED ${fmtInt(count)}`,
      ),
      shareRow(
        `pause ${fmtInt(count)}: pause requests per second`,
        fmtInt(perSecond),
        `${fmtInt(best)}/s (${OUR_BOUND} per ${LATENCY_MS} ms)`,
        perSecond / best,
        'the best our bound allows',
      ),
      atMostRow(`pause ${fmtInt(count)}: most requests in flight`, sim.maxInFlightSeen, OUR_BOUND),
      noneRow(`pause ${fmtInt(count)}: error answers`, errors, 'errors'),
    ];
  } finally {
    await sim.close();
  }
};

const run = async (context: BenchContext): Promise<BenchReport> => {
  const listed = countSetting('BENCH_DELTADNA_CAMPAIGNS', context.long ? 100_000 : 20_000);
  const paused = countSetting('BENCH_DELTADNA_PAUSE', context.long ? 10_000 : 2_000);
  const rows: Row[] = [];
  for (const pageSize of PAGE_SIZES) {
    context.progress(`deltadna-listing: listing ${fmtInt(listed)} campaigns, ${pageSize} a page`);
    rows.push(...(await listAt(listed, pageSize)));
  }
  context.progress(`deltadna-listing: pausing ${fmtInt(paused)} campaigns`);
  rows.push(...(await pauseAll(paused)));
  return {
    setup: [
      `listing ${fmtInt(listed)} campaigns at page sizes ${PAGE_SIZES.join(' and ')}; a window pausing ${fmtInt(paused)} running campaigns through runWindow`,
      `simulator latency ${LATENCY_MS} ms; deltaDNA documents no rate limit: the bound is ours, ${OUR_BOUND} requests in flight (DeltaDnaProvider's default)`,
    ],
    rows,
    notes: [
      'The listing reads one page at a time (each page says whether another follows), so it is held against one page per answer.',
      'The simulator runs in this process on the same 2 cores: its JSON work competes with the client\'s.',
    ],
  };
};

const deltadnaListing: Benchmark = {
  name: 'deltadna-listing',
  title: 'deltaDNA: listing a large account, and a window pausing thousands within our own bound',
  run,
};

export { deltadnaListing };
