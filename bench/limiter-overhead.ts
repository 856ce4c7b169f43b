/**
 * limiter-overhead (micro): what one WindowedLimiter acquire + release costs when it never has to wait,
 * in the three shapes the providers use it. The cost is held against the time a request may take at
 * the vendor's pace: the limiter must be noise beside it.
 */
import { WindowedLimiter } from '../functions/core/rate-limiter.js';
import { countSetting, fmt1, fmtInt, infoRow, type BenchContext, type BenchReport, type Benchmark, type Row } from './report.js';

/**
 * The Ocamba case runs on a clock that moves 500 ms per acquisition: slower than 150 a minute (one per
 * 400 ms), so its real windows never fill and it never waits, yet every acquisition does the window
 * bookkeeping on arrays of the sizes Ocamba's limits give (a dozen and ~120 send times).
 */
const OCAMBA_CLOCK_STEP_MS = 500;

const steppingClock = (stepMs: number): (() => number) => {
  let now = Date.now();
  return () => {
    now += stepMs;
    return now;
  };
};

interface Case {
  readonly name: string;
  readonly shape: string;
  readonly limiter: () => WindowedLimiter;
  /** Acquisitions taken together before they are all released. */
  readonly batch: number;
  /** The time one request may take at the vendor's pace, in ns, and how that pace reads. */
  readonly budgetNs: number;
  readonly budget: string;
}

const CASES: readonly Case[] = [
  {
    name: 'in-flight bound only, one at a time',
    shape: 'deltaDNA (4 in flight), Kahuna (10)',
    limiter: () => new WindowedLimiter({ maxInFlight: 4 }),
    batch: 1,
    // deltaDNA at its bound of 4 with 5 ms answers: 800 requests a second.
    budgetNs: 1.25e6,
    budget: '1.25 ms a request (4 in flight / 5 ms)',
  },
  {
    name: 'in-flight bound, 10 taken then released',
    shape: 'Kahuna populate slots (10)',
    limiter: () => new WindowedLimiter({ maxInFlight: 10 }),
    batch: 10,
    budgetNs: 1.25e6,
    budget: '1.25 ms a request',
  },
  {
    name: 'two rate windows + in-flight bound',
    shape: `Ocamba (10/s, 150/min, 10 in flight), on a clock moving ${OCAMBA_CLOCK_STEP_MS} ms per read so the windows never fill`,
    limiter: () =>
      new WindowedLimiter({
        windows: [
          { limit: 10, periodMs: 1_000 },
          { limit: 150, periodMs: 60_000 },
        ],
        maxInFlight: 10,
        now: steppingClock(OCAMBA_CLOCK_STEP_MS),
      }),
    batch: 1,
    // Ocamba's 10 a second: a request every 100 ms at best.
    budgetNs: 1e8,
    budget: '100 ms a request (10/s)',
  },
];

/** Acquire/release cycles for `durationMs`; returns operations and the time they took. */
const measure = async (limiter: WindowedLimiter, batch: number, durationMs: number): Promise<{ ops: number; ns: number }> => {
  let ops = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(durationMs) * 1_000_000n;
  while (process.hrtime.bigint() < deadline) {
    // 1000 cycles between clock reads, so reading the clock is not what is measured.
    for (let i = 0; i < 1000; i += 1) {
      if (batch === 1) {
        const release = await limiter.acquire();
        release();
      } else {
        const releases = await Promise.all(Array.from({ length: batch }, () => limiter.acquire()));
        for (const release of releases) release();
      }
      ops += batch;
    }
  }
  return { ops, ns: Number(process.hrtime.bigint() - started) };
};

const run = async (context: BenchContext): Promise<BenchReport> => {
  const durationMs = countSetting('BENCH_LIMITER_MS', context.long ? 5_000 : 1_500);
  const rows: Row[] = [];
  for (const benchCase of CASES) {
    await measure(benchCase.limiter(), benchCase.batch, 200); // warm-up: let the JIT settle
    const { ops, ns } = await measure(benchCase.limiter(), benchCase.batch, durationMs);
    const nsPerOp = ns / ops;
    rows.push(
      infoRow(
        `${benchCase.name}: ops/s`,
        fmtInt(ops / (ns / 1e9)),
        benchCase.budget,
        `${fmt1(nsPerOp / 1000)} µs an op = ${(nsPerOp / benchCase.budgetNs * 100).toPrecision(2)}% of that budget`,
      ),
    );
  }
  return {
    setup: [
      `WindowedLimiter acquire() then release(), never made to wait; ${fmtInt(durationMs)} ms per case after a 200 ms warm-up`,
    ],
    rows,
    notes: CASES.map((c) => `${c.name}: the shape of ${c.shape}.`),
  };
};

const limiterOverhead: Benchmark = {
  name: 'limiter-overhead',
  title: 'WindowedLimiter acquire/release throughput when it never waits (micro)',
  run,
};

export { limiterOverhead };
