/**
 * The command line (docs/contracts.md, "Command exit status"). Parsing only: a mistake here is a usage error (exit 2).
 */
import { parseArgs } from 'node:util';
import { CampaignOpsError, ExitStatus } from '../functions/core/errors.js';
import { quote } from '../functions/core/validation.js';

const COMMANDS = ['pause', 'resume', 'populate', 'environments', 'list', 'demo', 'sim', 'help'] as const;
type Command = (typeof COMMANDS)[number];

interface CliOptions {
  readonly command: Command;
  readonly event?: string;
  readonly secrets: string;
  readonly state: string;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly provider?: string;
  readonly secret?: string;
  readonly environment?: string;
}

/** The command line is wrong: nothing was done. */
class UsageError extends CampaignOpsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, { code: 'USAGE', retryable: false, exitStatus: ExitStatus.nothingDone }, options);
    this.name = 'UsageError';
  }
}

const USAGE = `campaign-ops: pause, resume and populate campaigns on deltaDNA, Ocamba and Kahuna

Usage:
  campaign-ops pause    --event FILE|- [--secrets FILE] [--state DIR] [--dry-run] [--json]
  campaign-ops resume   --event FILE|- [--secrets FILE] [--state DIR] [--dry-run] [--json]
  campaign-ops populate --event FILE|- [--secrets FILE] [--dry-run] [--json]
  campaign-ops environments --provider deltadna --secret NAME [--secrets FILE] [--json]
  campaign-ops list     --provider deltadna|ocamba --secret NAME [--environment ID|GAME/ENV] [--secrets FILE] [--json]
  campaign-ops demo     a whole maintenance window against built-in simulators, no setup
  campaign-ops sim      run the vendor simulators in the foreground and print their URLs

Options:
  --event FILE|-   the request: a JSON file (or - for stdin) holding a direct payload,
                   Scheduler input or an EventBridge event whose detail is the request
  --secrets FILE   JSON mapping secret names to secret values (default: <state>/secrets.json)
  --state DIR      window state and token caches (default: .campaign-ops)
  --dry-run        plan and report, send no state-changing request
  --json           print exactly the result object on stdout

Exit status: 0 every selected campaign is as wanted; 1 some campaign was rejected or failed, a
populate skipped a recipient or failed, or the run could not finish;
2 nothing was done: the request, configuration or credentials are invalid; 130 interrupted
(Ctrl-C: nothing new is started, what was done is shown; a second Ctrl-C quits at once).
`;

/** The options each command reads (--secrets and --state go with every one). */
const OPTIONS_OF: Readonly<Record<Command, readonly string[]>> = {
  pause: ['secrets', 'state', 'event', 'dry-run', 'json'],
  resume: ['secrets', 'state', 'event', 'dry-run', 'json'],
  populate: ['secrets', 'state', 'event', 'dry-run', 'json'],
  environments: ['secrets', 'state', 'provider', 'secret', 'json'],
  list: ['secrets', 'state', 'provider', 'secret', 'environment', 'json'],
  demo: ['secrets', 'state'],
  sim: ['secrets', 'state'],
  help: ['secrets', 'state'],
};

const parseCommandLine = (argv: readonly string[]): CliOptions => {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        event: { type: 'string', short: 'e' },
        secrets: { type: 'string' },
        state: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        provider: { type: 'string' },
        secret: { type: 'string' },
        environment: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [name, ...extra] = positionals;
  if (values.help || name === undefined) return { command: 'help', secrets: '', state: '', dryRun: false, json: false };
  if (!(COMMANDS as readonly string[]).includes(name)) throw new UsageError(`unknown command ${quote(name)} (one of: ${COMMANDS.join(', ')})`);
  if (extra.length > 0) throw new UsageError(`unexpected argument ${quote(extra[0])}`);
  const command = name as Command;
  // An option a command does not read is a mistake, not something to ignore: whoever typed
  // `list --dry-run` or `demo --event x` expected it to do something.
  const given = Object.entries(values).filter(([option, value]) => value !== undefined && value !== false && option !== 'help');
  for (const [option] of given) {
    if (!OPTIONS_OF[command].includes(option)) throw new UsageError(`${command} does not take --${option}`);
  }
  if ((command === 'pause' || command === 'resume' || command === 'populate') && values.event === undefined) {
    throw new UsageError(`${command} needs --event FILE (or --event - to read the request from stdin)`);
  }
  if ((command === 'environments' || command === 'list') && (values.provider === undefined || values.secret === undefined)) {
    throw new UsageError(`${command} needs --provider and --secret`);
  }
  const state = values.state ?? '.campaign-ops';
  return {
    command,
    ...(values.event !== undefined ? { event: values.event } : {}),
    secrets: values.secrets ?? `${state}/secrets.json`,
    state,
    dryRun: values['dry-run'] ?? false,
    json: values.json ?? false,
    ...(values.provider !== undefined ? { provider: values.provider } : {}),
    ...(values.secret !== undefined ? { secret: values.secret } : {}),
    ...(values.environment !== undefined ? { environment: values.environment } : {}),
  };
};

export { parseCommandLine, UsageError, USAGE };
export type { CliOptions, Command };
