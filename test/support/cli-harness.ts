/**
 * Runs the campaign-ops command in-process against the simulators, as a person would from a shell:
 * a secrets file pointing at the simulators, a state directory, captured stdout/stderr and exit code.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../cli/main.js';
import { simSecretsFile } from '../../cli/sim.js';
import type { Clock } from '../../functions/core/clock.js';
import type { CampaignOutcome, WindowResult } from '../../functions/core/result.js';
import { startAllSims, type AllSims, type AllSimsOptions } from '../../sim/index.js';

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface CliRunOptions {
  readonly interruptWhen?: (stderrSoFar: string) => boolean;
  readonly clock?: Clock;
}

interface CliHarness {
  readonly sims: AllSims;
  readonly stateDir: string;
  readonly secretsFile: string;
  /** Writes a request to a file in the state directory and returns its path. */
  writeEvent(request: unknown, name?: string): Promise<string>;
  /**
   * `interruptWhen`: a person's Ctrl-C, given to the command as its abort signal once stderr so far satisfies it.
   * `clock`: the command's clock for its lease and locks (default the system clock).
   */
  cli(args: readonly string[], stdin?: string, options?: CliRunOptions): Promise<CliRun>;
  /** Runs the command with --json and returns the parsed result. */
  json<T = Record<string, unknown>>(args: readonly string[], options?: CliRunOptions): Promise<{ code: number; result: T; stderr: string }>;
  /** Runs a window's pause or resume of `request` (written to an event file) with --json. */
  window(action: 'pause' | 'resume', request: object, extra?: readonly string[]): Promise<{ code: number; result: WindowResult; stderr: string }>;
  /** Requests received by any simulator that change state (POST/PUT/PATCH/DELETE). */
  stateChangingRequests(): { vendor: string; method: string; path: string }[];
  close(): Promise<void>;
}

/** A campaign's outcome in a result; a campaign missing from it fails the test, saying which are there. */
const outcomeOf = (result: WindowResult, id: string): CampaignOutcome => {
  const found = result.campaigns.find((c) => c.id === id);
  if (!found) throw new Error(`campaign ${id} is not in the result: ${result.campaigns.map((c) => c.id).join(', ')}`);
  return found;
};

const collect = (stream: PassThrough): (() => string) => {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
  return () => Buffer.concat(chunks).toString('utf8');
};

const startCliHarness = async (options: AllSimsOptions = {}): Promise<CliHarness> => {
  const sims = await startAllSims(options);
  const stateDir = await mkdtemp(join(tmpdir(), 'campaign-ops-test-'));
  const secretsFile = join(stateDir, 'secrets.json');
  await writeFile(secretsFile, JSON.stringify(simSecretsFile(sims)));
  let events = 0;

  const cli: CliHarness['cli'] = async (args, stdin = '', options = {}) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out = collect(stdout);
    const err = collect(stderr);
    const interrupt = new AbortController();
    const { interruptWhen, clock } = options;
    if (interruptWhen) stderr.on('data', () => interruptWhen(err()) && interrupt.abort());
    const code = await main([...args, '--secrets', secretsFile, '--state', stateDir], {
      stdout,
      stderr,
      stdin: Readable.from([stdin]),
      signal: interrupt.signal,
      ...(clock ? { clock } : {}),
    });
    stdout.end();
    stderr.end();
    return { code, stdout: out(), stderr: err() };
  };

  const writeEvent: CliHarness['writeEvent'] = async (request, name) => {
    events += 1;
    const path = join(stateDir, name ?? `event-${events}.json`);
    await writeFile(path, typeof request === 'string' ? request : JSON.stringify(request));
    return path;
  };

  const json = async <T,>(args: readonly string[], options?: CliRunOptions): Promise<{ code: number; result: T; stderr: string }> => {
    const run = await cli([...args, '--json'], '', options);
    let result: T;
    try {
      result = JSON.parse(run.stdout) as T;
    } catch {
      throw new Error(`not JSON on stdout (exit ${run.code}): ${run.stdout}\n${run.stderr}`);
    }
    return { code: run.code, result, stderr: run.stderr };
  };

  return {
    sims,
    stateDir,
    secretsFile,
    writeEvent,
    cli,
    json,
    async window(action, request, extra = []) {
      const event = await writeEvent(request);
      return json<WindowResult>([action, '--event', event, ...extra]);
    },
    stateChangingRequests() {
      return (['deltadna', 'ocamba', 'kahuna'] as const).flatMap((vendor) =>
        sims[vendor].requests
          .filter((r) => r.method !== 'GET' && !r.path.includes('/authenticate'))
          .map((r) => ({ vendor, method: r.method, path: r.path })),
      );
    },
    async close() {
      await sims.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
};

export { startCliHarness, outcomeOf };
export type { CliHarness, CliRun };
