/**
 * The benchmarks of campaign-ops. Not tests: each prints its figures against the vendor limits they must
 * stay within, and how close to those limits the code gets.
 *
 *   npm run bench                     all of them, each in a process of its own (about 2-3 minutes)
 *   npm run bench -- ocamba           one, by name or prefix (in this process)
 *   npm run bench -- --long           the larger sizes (BENCH_LONG=1 does the same)
 *   npm run bench -- --list
 *
 * Exit status: 0 every figure within its limit; 1 some figure crossed its limit (a vendor limit, our own
 * bound, or memory growing with the input); 2 a benchmark could not run (bad setting, simulator failure).
 */
import { fork } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { deltadnaListing } from './deltadna-listing.js';
import { kahunaPopulate } from './kahuna-populate.js';
import { limiterOverhead } from './limiter-overhead.js';
import { ocambaRate } from './ocamba-rate.js';
import { fmt1, renderReport, type Benchmark } from './report.js';

/** The order of a full run: the slowest (Ocamba's minute window) last. */
const BENCHMARKS: readonly Benchmark[] = [kahunaPopulate, limiterOverhead, deltadnaListing, ocambaRate];

const USAGE = `usage: npm run bench -- [NAME...] [--long] [--list]
  NAME    ${BENCHMARKS.map((b) => b.name).join(', ')} (a unique prefix will do)
  --long  larger sizes (or BENCH_LONG=1); sizes can also be set one by one, see bench/README.md`;

/** Set by the parent on the process it forks for one benchmark: the machine line is printed once. */
const CHILD_FLAG = 'BENCH_CHILD';

class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

const select = (names: readonly string[]): Benchmark[] => {
  if (names.length === 0) return [...BENCHMARKS];
  return names.map((name) => {
    const exact = BENCHMARKS.find((b) => b.name === name);
    if (exact) return exact;
    const matches = BENCHMARKS.filter((b) => b.name.startsWith(name));
    if (matches.length === 1) return matches[0]!;
    throw new UsageError(
      matches.length === 0 ? `no benchmark named ${JSON.stringify(name)}` : `${JSON.stringify(name)} could be ${matches.map((b) => b.name).join(' or ')}`,
    );
  });
};

const machineLine = (long: boolean): string => {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  return `campaign-ops benchmarks · node ${process.version} · ${process.platform}/${process.arch} · ${cores.length} cores (${model}) · ${fmt1(totalmem() / 2 ** 30)} GiB · ${long ? 'long' : 'default'} sizes\n`;
};

const progress = (line: string): void => {
  process.stderr.write(`   … ${line}\n`);
};

/** Runs one benchmark here and prints its table; 1 when a figure crossed a limit. */
const runHere = async (benchmark: Benchmark, long: boolean): Promise<number> => {
  const started = performance.now();
  const report = await benchmark.run({ long, progress });
  process.stdout.write(renderReport(benchmark, report, performance.now() - started));
  return report.rows.some((row) => row.crossed) ? 1 : 0;
};

/** Runs one benchmark in a fresh process: no limiter, heap or RSS carried over from another. */
const runForked = (benchmark: Benchmark, long: boolean): Promise<number> =>
  new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), [benchmark.name, ...(long ? ['--long'] : [])], {
      env: { ...process.env, [CHILD_FLAG]: '1' },
      stdio: 'inherit',
    });
    child.once('error', () => resolve(2));
    child.once('exit', (code, signal) => resolve(signal !== null ? 2 : (code ?? 2)));
  });

const main = async (argv: readonly string[]): Promise<number> => {
  const flags = argv.filter((a) => a.startsWith('-'));
  const unknown = flags.filter((f) => !['--long', '--list', '--help', '-h'].includes(f));
  if (unknown.length > 0) throw new UsageError(`unknown option ${unknown.join(', ')}`);
  if (flags.includes('--help') || flags.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (flags.includes('--list')) {
    process.stdout.write(`${BENCHMARKS.map((b) => `${b.name.padEnd(18)} ${b.title}`).join('\n')}\n`);
    return 0;
  }
  const long = flags.includes('--long') || process.env.BENCH_LONG === '1';
  const chosen = select(argv.filter((a) => !a.startsWith('-')));
  if (process.env[CHILD_FLAG] !== '1') process.stdout.write(`${machineLine(long)}\n`);
  if (chosen.length === 1) return runHere(chosen[0]!, long);
  let worst = 0;
  for (const benchmark of chosen) worst = Math.max(worst, await runForked(benchmark, long));
  if (worst === 1) process.stdout.write('Some figure crossed its limit: see the verdicts in capitals (OVER, AT OR OVER, CROSSED, GROWS WITH N).\n');
  return worst;
};

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
  },
);
