/**
 * What every benchmark shares: its settings read from the environment, and the rows it reports. A row is
 * one figure, its value, the vendor limit it is held against and a verdict ("at 99% of the limit"), so a
 * reader sees at once how close to each limit the code runs and whether it ever crosses one.
 */
import { table } from '../cli/render.js';

/** One line of a benchmark's table. */
interface Row {
  readonly figure: string;
  readonly value: string;
  /** The vendor's limit (or our own bound where the vendor documents none); '—' when there is none. */
  readonly limit: string;
  readonly verdict: string;
  /** The figure crossed its limit (vendor, our bound, bounded memory): the run exits 1 so it cannot go unnoticed. */
  readonly crossed?: boolean;
}

interface BenchReport {
  /** What was run, in one or two lines: sizes, latency, limits. */
  readonly setup: readonly string[];
  readonly rows: readonly Row[];
  /** Lines printed under the table: breakdowns and caveats. */
  readonly notes?: readonly string[];
}

interface BenchContext {
  /** `--long` or BENCH_LONG=1: the larger sizes. */
  readonly long: boolean;
  /** A progress line on stderr, for runs that take more than a few seconds. */
  readonly progress: (line: string) => void;
}

interface Benchmark {
  readonly name: string;
  readonly title: string;
  run(context: BenchContext): Promise<BenchReport>;
}

/** A BENCH_* variable that is set but not a usable value. */
class BenchSettingError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BenchSettingError';
  }
}

/** A whole number from the environment (`1_000_000` and `1,000,000` accepted), else the default. */
const countSetting = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.trim().replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new BenchSettingError(`${name} must be a whole number of 1 or more, got ${JSON.stringify(raw)}`);
  }
  return value;
};

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

const fmtInt = (value: number): string => integer.format(value);
const fmt1 = (value: number): string => decimal.format(value);
const fmtSeconds = (ms: number): string => `${fmt1(ms / 1000)} s`;
const fmtMiB = (bytes: number): string => `${fmt1(bytes / (1024 * 1024))} MiB`;

/** Floored, so a figure just under its limit never reads as 100%. */
const percent = (value: number, limit: number): string => `${Math.floor((value / limit) * 100)}%`;

/** A figure that must stay at or under the limit (in flight, requests in a window). */
const atMostRow = (figure: string, value: number, limit: number, format: (n: number) => string = fmtInt): Row => {
  const crossed = value > limit;
  return {
    figure,
    value: format(value),
    limit: `≤ ${format(limit)}`,
    verdict: crossed ? `OVER the limit (${percent(value, limit)} of it)` : `at ${percent(value, limit)} of the limit`,
    crossed,
  };
};

/** A figure that must stay strictly under the limit (Kahuna's body size). */
const underRow = (figure: string, value: number, limit: number, format: (n: number) => string = fmtInt): Row => {
  const crossed = value >= limit;
  return {
    figure,
    value: format(value),
    limit: `< ${format(limit)}`,
    verdict: crossed ? `AT OR OVER the limit (${percent(value, limit)} of it)` : `at ${percent(value, limit)} of the limit`,
    crossed,
  };
};

/** A count that must be zero (429 answers, refused requests). */
const noneRow = (figure: string, count: number, what: string): Row => ({
  figure,
  value: fmtInt(count),
  limit: '0',
  verdict: count === 0 ? `none: no ${what}` : `CROSSED: ${fmtInt(count)} ${what}`,
  crossed: count > 0,
});

/** A figure held against a best possible value rather than a ceiling (efficiency, throughput). */
const shareRow = (figure: string, value: string, best: string, share: number, of: string): Row => ({
  figure,
  value,
  limit: best,
  verdict: `${Math.floor(share * 100)}% of ${of}`,
});

const infoRow = (figure: string, value: string, limit = '—', verdict = ''): Row => ({ figure, value, limit, verdict });

const renderReport = (benchmark: Benchmark, report: BenchReport, elapsedMs: number): string => {
  const rows = report.rows.map((row) => [row.figure, row.value, row.limit, row.verdict]);
  return [
    `== ${benchmark.name}: ${benchmark.title}`,
    ...report.setup.map((line) => `   ${line}`),
    '',
    table(['figure', 'value', 'vendor limit', 'verdict'], rows),
    ...(report.notes && report.notes.length > 0 ? ['', ...report.notes.map((line) => `   ${line}`)] : []),
    '',
    `   (${benchmark.name} took ${fmtSeconds(elapsedMs)})`,
    '',
  ].join('\n');
};

export {
  BenchSettingError,
  atMostRow,
  countSetting,
  fmt1,
  fmtInt,
  fmtMiB,
  fmtSeconds,
  infoRow,
  noneRow,
  percent,
  renderReport,
  shareRow,
  underRow,
};
export type { BenchContext, BenchReport, Benchmark, Row };
