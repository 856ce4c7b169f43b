/**
 * The campaign-ops command. Progress on stderr, the result on stdout (`--json`: exactly the result
 * object), exit status 0 when every campaign ended as wanted, 1 when a run could not finish, 2 for what a person
 * must fix first (exitCodeOfError).
 */
import type { Clock } from '../functions/core/clock.js';
import { ConfigurationError, InvalidRequestError, VendorError, describeError } from '../functions/core/errors.js';
import { WindowStateError } from '../functions/adapters/window-entries.js';
import { exitCodeOf, type WindowResult } from '../functions/core/result.js';
import { compileSelection } from '../functions/core/selection.js';
import { parseCommandLine, UsageError, USAGE, type CliOptions } from './args.js';
import { checkProviderName, localProvider, readEventFile, runLocalWindow, type LocalContext } from './local.js';
import { EXIT_INTERRUPTED } from './interrupt.js';
import { printableJson, printableLines } from './printable.js';
import { progressReporter, renderWindowResult, table } from './render.js';
import { runDemo } from './demo.js';
import { runSimulators } from './sim.js';
import { runLocalPopulate } from './populate.js';

interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  /** A person asked to stop (Ctrl-C; bin/ connects the process signals): start nothing new, report, exit 130. */
  readonly signal?: AbortSignal;
  /** Times the account lease and the state files' locks; default the system clock (tests pass their own). */
  readonly clock?: Clock;
}

const processIo: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };

const print = (stream: NodeJS.WritableStream, text: string): void => {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
};

const windowCommand = async (options: CliOptions, io: Io): Promise<number> => {
  const action = options.command === 'pause' ? 'pause' : 'resume';
  const input = await readEventFile(options.event!, io.stdin);
  const progress = progressReporter(io.stderr, `${action}${options.dryRun ? ' (dry run)' : ''}`);
  const context: LocalContext = { secretsFile: options.secrets, stateDir: options.state, ...(io.clock ? { clock: io.clock } : {}) };
  let result: WindowResult;
  try {
    result = await runLocalWindow(input, action, {
      ...context,
      dryRun: options.dryRun,
      onProgress: (p) => progress.update(p),
      ...(io.signal ? { signal: io.signal } : {}),
    });
  } finally {
    progress.finish();
  }
  print(io.stdout, options.json ? printableJson(result) : renderWindowResult(result));
  if (result.interrupted) {
    // The lease is already given back: the next run can start at once.
    print(io.stderr, 'interrupted: run again to settle');
    return EXIT_INTERRUPTED;
  }
  return exitCodeOf(result);
};

const environmentsCommand = async (options: CliOptions, io: Io): Promise<number> => {
  const provider = await localProvider(checkProviderName(options.provider), options.secret!, { secretsFile: options.secrets, stateDir: options.state });
  if (!provider.listEnvironments) throw new InvalidRequestError([{ field: 'provider', problem: `${provider.name} has no environments` }], { subject: 'command line' });
  const environments = await provider.listEnvironments();
  print(
    io.stdout,
    options.json
      ? printableJson(environments)
      : table(['id', 'game', 'environment'], environments.map((e) => [String(e.id), e.game, e.name])),
  );
  return 0;
};

const listCommand = async (options: CliOptions, io: Io): Promise<number> => {
  const provider = await localProvider(checkProviderName(options.provider), options.secret!, { secretsFile: options.secrets, stateDir: options.state });
  let environmentId: number | undefined;
  if (options.environment !== undefined) {
    const environments = provider.listEnvironments ? await provider.listEnvironments() : [];
    const wanted = options.environment.toLowerCase();
    const found = environments.find((e) => String(e.id) === wanted || `${e.game}/${e.name}`.toLowerCase() === wanted);
    if (!found) throw new InvalidRequestError([{ field: '--environment', problem: `${options.environment} is not an environment this key can see` }], { subject: 'command line' });
    environmentId = found.id;
  }
  const selection = compileSelection({ allEnvironments: environmentId === undefined, exclude: [] }, environmentId);
  const campaigns = [];
  for await (const campaign of provider.listCampaigns()) if (selection.matches(campaign)) campaigns.push(campaign);
  print(
    io.stdout,
    options.json
      ? printableJson(campaigns)
      : table(
          ['id', 'name', 'status', 'vendor status', 'environment / labels'],
          campaigns.map((c) => [c.id, c.name, c.status, c.vendorStatus, c.environment !== undefined ? String(c.environment) : c.labels.join(', ')]),
          [24, 48, 12, 24],
        ),
  );
  return 0;
};

const untilAborted = (signal: AbortSignal): Promise<void> =>
  signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

/** 2 for what a person must fix before anything can run; 1 for a run that could not finish. */
const exitCodeOfError = (error: unknown): number => {
  if (error instanceof UsageError || error instanceof InvalidRequestError || error instanceof ConfigurationError) return 2;
  // Only an unreadable state file gets this far (a state conflict is one campaign's failure): a file to fix.
  if (error instanceof WindowStateError) return 2;
  if (error instanceof VendorError && (error.status === 401 || error.status === 403 || error.status === 409)) return 2;
  return 1;
};

const main = async (argv: readonly string[], io: Io = processIo): Promise<number> => {
  try {
    const options = parseCommandLine(argv);
    switch (options.command) {
      case 'help':
        print(io.stdout, USAGE);
        return 0;
      case 'pause':
      case 'resume':
        return await windowCommand(options, io);
      case 'populate':
        return await runLocalPopulate(options, io);
      case 'environments':
        return await environmentsCommand(options, io);
      case 'list':
        return await listCommand(options, io);
      case 'demo':
        return await runDemo(io);
      case 'sim':
        return await runSimulators(io, io.signal ? untilAborted(io.signal) : undefined);
    }
  } catch (error) {
    const code = exitCodeOfError(error);
    const hint = error instanceof UsageError ? '\n\nRun campaign-ops --help for usage.' : '';
    const credentials = error instanceof VendorError && code === 2 ? ' (check the credentials in the secret)' : '';
    print(io.stderr, `campaign-ops: ${printableLines(describeError(error))}${credentials}${hint}`);
    return code;
  }
};

export { main, exitCodeOfError, processIo };
export type { Io };
