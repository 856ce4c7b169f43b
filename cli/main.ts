/**
 * The campaign-ops command. Progress on stderr, the result on stdout (`--json`: exactly the result
 * object), exit status 0 / 1 / 2 / 130 as docs/contracts.md says ("Command exit status").
 */
import { InvalidRequestError, VendorError, describeError, exitStatusOf, ExitStatus } from '../functions/core/errors.js';
import type { WindowAction } from '../functions/core/request.js';
import { unreachable } from '../functions/core/unreachable.js';
import { exitCodeOf, type WindowResult } from '../functions/core/result.js';
import { environmentRefOf, resolveEnvironment } from '../functions/core/environments.js';
import { compileSelection } from '../functions/core/selection.js';
import { quote } from '../functions/core/validation.js';
import { parseCommandLine, UsageError, USAGE, type CliOptions } from './args.js';
import { checkProviderName, localProvider, readEventFile, runLocalWindow, type LocalContext } from './local.js';
import { EXIT_INTERRUPTED } from './interrupt.js';
import { printableJson, printableLines } from './printable.js';
import { progressReporter, renderWindowResult, table } from './render.js';
import { runDemo } from './demo.js';
import { runSimulators } from './sim.js';
import { runLocalPopulate } from './populate.js';

import { processIo, type Io } from './io.js';

const print = (stream: NodeJS.WritableStream, text: string): void => {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
};

const windowCommand = async (action: WindowAction, options: CliOptions, io: Io): Promise<number> => {
  const input = await readEventFile(options.event!, io.stdin);
  const progress = progressReporter(io.stderr, `${action}${options.dryRun ? ' (dry run)' : ''}`);
  const context: LocalContext = {
    secretsFile: options.secrets,
    stateDir: options.state,
    ...(io.vendors ? { vendors: io.vendors } : {}),
    ...(io.clock ? { clock: io.clock } : {}),
  };
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

/** The client for `--provider` and `--secret` of the command line. */
const commandLineProvider = (options: CliOptions, io: Io) =>
  localProvider(
    { provider: checkProviderName(options.provider, io.vendors), secret: options.secret! },
    { secretsFile: options.secrets, stateDir: options.state, ...(io.vendors ? { vendors: io.vendors } : {}) },
  );

const environmentsCommand = async (options: CliOptions, io: Io): Promise<number> => {
  const provider = await commandLineProvider(options, io);
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
  const provider = await commandLineProvider(options, io);
  let environmentId: number | undefined;
  if (options.environment !== undefined) {
    if (!provider.listEnvironments) throw new InvalidRequestError([{ field: '--environment', problem: `${provider.name} has no environments` }], { subject: 'command line' });
    const ref = environmentRefOf(options.environment);
    if (!ref) {
      throw new InvalidRequestError([{ field: '--environment', problem: `must be an environment id (e.g. 8756) or "Game/Environment", got ${quote(options.environment)}` }], {
        subject: 'command line',
      });
    }
    environmentId = await resolveEnvironment(provider, ref, { name: '--environment', subject: 'command line' });
  }
  const selection = compileSelection({ allEnvironments: environmentId === undefined, exclude: [] }, environmentId);
  const campaigns = [];
  for await (const campaign of provider.listCampaigns()) {
    // Ctrl-C: read no further page; what was listed so far is shown.
    if (io.signal?.aborted) break;
    if (selection.matches(campaign)) campaigns.push(campaign);
  }
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
  if (io.signal?.aborted) {
    print(io.stderr, 'interrupted: the list above may be incomplete');
    return EXIT_INTERRUPTED;
  }
  return 0;
};

const untilAborted = (signal: AbortSignal): Promise<void> =>
  signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

const main = async (argv: readonly string[], io: Io = processIo): Promise<number> => {
  try {
    const options = parseCommandLine(argv);
    switch (options.command) {
      case 'help':
        print(io.stdout, USAGE);
        return 0;
      case 'pause':
      case 'resume':
        return await windowCommand(options.command, options, io);
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
      default:
        return unreachable(options.command);
    }
  } catch (error) {
    // 2 for what a person must fix before anything can run, 1 for a run that could not finish: as the error says.
    const code = exitStatusOf(error);
    const hint = error instanceof UsageError ? '\n\nRun campaign-ops --help for usage.' : '';
    const credentials = error instanceof VendorError && code === ExitStatus.nothingDone ? ' (check the credentials in the secret)' : '';
    print(io.stderr, `campaign-ops: ${printableLines(describeError(error))}${credentials}${hint}`);
    return code;
  }
};

export { main };
