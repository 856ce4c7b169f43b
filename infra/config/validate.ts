/**
 * Validation of the window configuration at synth.
 *
 * Validation collects every problem and throws once, each line naming the window (or account) and the
 * field, so `cdk synth` fails before anything reaches CloudFormation with a message an operator can act on:
 *   window "nightly": timeZone: unknown time zone "Europe/Berln" (did you mean "Europe/Berlin"?)
 * The request part of a window is checked by the same parser the Lambdas use, so what the schedules send
 * is what the handlers accept.
 */
import { CampaignOpsError, ExitStatus, InvalidRequestError } from '../../functions/core/errors.js';
import { isObject, quote } from '../../functions/core/validation.js';
import { parseWindowRequest, type WindowAction } from '../../functions/core/request.js';
import type { VendorRegistry } from '../../functions/core/vendor.js';
import { VENDORS } from '../../functions/providers/index.js';
import { readSchedule } from './schedule-expression.js';
import { timeZoneProblem } from './time-zones.js';
import {
  type AccountConfig,
  type ScheduledRequest,
  type ValidatedConfig,
  type WindowConfig,
  type WindowPlan,
} from './types.js';

/** A secret or window name is quoted whole up to this length (it names what to fix); other values are cut shorter. */
const QUOTED_NAME_CHARS = 256;

/** The configuration cannot be deployed; `problems` lists every line of the message. */
class WindowConfigError extends CampaignOpsError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(
      `invalid campaign-ops configuration (infra/windows.ts):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      { code: 'WINDOW_CONFIG', retryable: false, exitStatus: ExitStatus.nothingDone },
      options,
    );
    this.name = 'WindowConfigError';
    this.problems = problems;
  }
}

const CONFIG_FIELDS = ['killSwitch', 'alarmEmail', 'recipientBuckets', 'accounts', 'windows'];
// S3 bucket naming rules: 3-63 lower-case letters, digits, dots and hyphens, starting and ending alphanumeric.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const ACCOUNT_FIELDS = ['secret', 'provider', 'createSecret'];
const WINDOW_FIELDS = ['name', 'provider', 'secret', 'select', 'reason', 'pause', 'resume', 'timeZone', 'flexibleWindowMinutes', 'enabled'];
// Secrets Manager names: letters, digits and /_+=.@- (ARNs are refused: see AccountConfig.secret).
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,256}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const unknownFields = (value: Record<string, unknown>, known: readonly string[]): string[] =>
  Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => `${key}: unknown field (expected one of: ${known.join(', ')})`);

/** The request a window edge sends: the contract, exactly. */
const requestFor = (window: WindowConfig, action: WindowAction): ScheduledRequest => ({
  provider: window.provider,
  secret: window.secret,
  window: window.name,
  select: window.select ?? {},
  ...(window.reason !== undefined ? { reason: window.reason } : {}),
  dryRun: false,
  ...(action === 'resume' ? { scope: 'window' as const } : {}),
});

/** Problems the Lambdas' own parser finds in a request, with its field names mapped onto the window's. */
const requestProblems = (request: ScheduledRequest, action: WindowAction, vendors: VendorRegistry): string[] => {
  try {
    parseWindowRequest(request, action, vendors);
    return [];
  } catch (error) {
    if (!(error instanceof InvalidRequestError)) throw error;
    return error.issues.map(({ field, problem }) => `${field === 'window' ? 'name' : field}: ${problem}`);
  }
};

const validateAccounts = (accounts: unknown, vendors: VendorRegistry, problems: string[]): AccountConfig[] => {
  if (!Array.isArray(accounts)) {
    problems.push('accounts: must be a list of { secret, provider, createSecret? }');
    return [];
  }
  const valid: AccountConfig[] = [];
  const seen = new Set<string>();
  accounts.forEach((account: unknown, index) => {
    const label = isObject(account) && typeof account.secret === 'string' ? `account ${quote(account.secret, QUOTED_NAME_CHARS)}` : `accounts[${index}]`;
    const add = (problem: string): void => {
      problems.push(`${label}: ${problem}`);
    };
    if (!isObject(account)) {
      add('must be an object { secret, provider, createSecret? }');
      return;
    }
    unknownFields(account, ACCOUNT_FIELDS).forEach(add);
    const before = problems.length;
    if (typeof account.secret !== 'string' || !SECRET_NAME.test(account.secret)) {
      add('secret: must be a Secrets Manager secret name (letters, digits and /_+=.@-; not an ARN)');
    } else if (seen.has(account.secret)) {
      add('secret: declared twice');
    }
    if (!vendors.find(account.provider)) {
      add(`provider: unknown provider ${quote(account.provider)} (one of: ${vendors.names().join(', ')})`);
    }
    if (account.createSecret !== undefined && typeof account.createSecret !== 'boolean') add('createSecret: must be true or false');
    if (typeof account.secret === 'string') seen.add(account.secret);
    if (problems.length === before) valid.push(account as unknown as AccountConfig);
  });
  return valid;
};

const validateWindow = (
  window: unknown,
  index: number,
  accounts: ReadonlyMap<string, AccountConfig>,
  killSwitch: boolean,
  vendors: VendorRegistry,
  problems: string[],
): WindowPlan | undefined => {
  const label = isObject(window) && typeof window.name === 'string' ? `window ${quote(window.name, QUOTED_NAME_CHARS)}` : `windows[${index}]`;
  const found: string[] = [];
  const add = (problem: string): void => {
    if (!found.includes(problem)) found.push(problem);
  };
  if (!isObject(window)) {
    problems.push(`${label}: must be an object (see WindowConfig in infra/config/types.ts)`);
    return undefined;
  }
  unknownFields(window, WINDOW_FIELDS).forEach(add);

  // provider, secret's form, name and selection: the Lambdas' parser, so both sides agree.
  const config = window as unknown as WindowConfig;
  requestProblems(requestFor(config, 'pause'), 'pause', vendors).forEach(add);
  requestProblems(requestFor(config, 'resume'), 'resume', vendors).forEach(add);

  const account = typeof window.secret === 'string' ? accounts.get(window.secret) : undefined;
  if (typeof window.secret === 'string' && !account) {
    add(`secret: ${quote(window.secret, QUOTED_NAME_CHARS)} is not declared in accounts (add { secret: ${quote(window.secret, QUOTED_NAME_CHARS)}, provider: ${quote(window.provider)} })`);
  } else if (account && vendors.windowVendor(window.provider) && account.provider !== window.provider) {
    add(`secret: ${quote(account.secret, QUOTED_NAME_CHARS)} is declared as a ${account.provider} account, not ${quote(window.provider)}`);
  }

  const zone = timeZoneProblem(window.timeZone);
  if (zone) add(`timeZone: ${zone}`);

  const pause = readSchedule(window.pause);
  const resume = readSchedule(window.resume);
  if ('problems' in pause) pause.problems.forEach((problem) => add(`pause: ${problem}`));
  if ('problems' in resume) resume.problems.forEach((problem) => add(`resume: ${problem}`));
  if ('schedule' in pause && 'schedule' in resume) {
    const [p, r] = [pause.schedule, resume.schedule];
    if (p.kind === 'at' && r.kind === 'at' && r.localTime <= p.localTime) {
      add(`resume: ${r.expression} is not after pause ${p.expression}`);
    }
    if (p.kind === 'cron' && r.kind === 'cron' && p.expression === r.expression) {
      add(`resume: ${r.expression} is the same time as pause`);
    }
  }

  const flexible = window.flexibleWindowMinutes;
  if (flexible !== undefined && !(typeof flexible === 'number' && Number.isInteger(flexible) && flexible >= 1 && flexible <= 1440)) {
    add(`flexibleWindowMinutes: must be a whole number of minutes 1-1440 (or left out for on-the-minute), got ${quote(flexible)}`);
  }
  if (typeof window.enabled !== 'boolean') add('enabled: is required: true or false');

  problems.push(...found.map((problem) => `${label}: ${problem}`));
  if (found.length || !('schedule' in pause) || !('schedule' in resume)) return undefined;
  return {
    name: config.name,
    provider: config.provider,
    secret: config.secret,
    timeZone: config.timeZone,
    ...(flexible !== undefined ? { flexibleWindowMinutes: flexible as number } : {}),
    active: config.enabled && !killSwitch,
    pause: { action: 'pause', expression: pause.schedule.expression, request: requestFor(config, 'pause') },
    resume: { action: 'resume', expression: resume.schedule.expression, request: requestFor(config, 'resume') },
  };
};

/**
 * Checks the whole configuration and returns what the stack builds from it.
 * @throws WindowConfigError listing every problem, each naming its window or account and field.
 */
const validateConfig = (config: unknown, vendors: VendorRegistry = VENDORS): ValidatedConfig => {
  const problems: string[] = [];
  if (!isObject(config)) throw new WindowConfigError(['(configuration): must be an object { killSwitch, accounts, windows }']);
  unknownFields(config, CONFIG_FIELDS).forEach((problem) => problems.push(problem));
  if (typeof config.killSwitch !== 'boolean') problems.push('killSwitch: is required: true or false');
  if (config.alarmEmail !== undefined && (typeof config.alarmEmail !== 'string' || !EMAIL.test(config.alarmEmail))) {
    problems.push(`alarmEmail: must be an email address, got ${quote(config.alarmEmail)}`);
  }
  const recipientBuckets: string[] = [];
  if (config.recipientBuckets !== undefined) {
    if (!Array.isArray(config.recipientBuckets)) problems.push('recipientBuckets: must be a list of S3 bucket names');
    else
      config.recipientBuckets.forEach((bucket: unknown, index) => {
        if (typeof bucket === 'string' && BUCKET_NAME.test(bucket)) recipientBuckets.push(bucket);
        else problems.push(`recipientBuckets[${index}]: must be an S3 bucket name (not an ARN or s3:// URL), got ${quote(bucket)}`);
      });
  }
  const accounts = validateAccounts(config.accounts, vendors, problems);
  const byName = new Map(accounts.map((account) => [account.secret, account]));

  const windows: WindowPlan[] = [];
  if (!Array.isArray(config.windows)) problems.push('windows: must be a list of windows (an empty list is fine)');
  else {
    const names = new Set<string>();
    config.windows.forEach((window: unknown, index) => {
      const plan = validateWindow(window, index, byName, config.killSwitch === true, vendors, problems);
      const name = isObject(window) ? window.name : undefined;
      if (typeof name === 'string') {
        if (names.has(name)) problems.push(`window ${quote(name, QUOTED_NAME_CHARS)}: name: used by more than one window (names key the window state and events)`);
        names.add(name);
      }
      if (plan) windows.push(plan);
    });
  }

  if (problems.length) throw new WindowConfigError(problems);
  return {
    killSwitch: config.killSwitch as boolean,
    ...(typeof config.alarmEmail === 'string' ? { alarmEmail: config.alarmEmail } : {}),
    recipientBuckets,
    accounts,
    windows,
  };
};

export { WindowConfigError, validateConfig };
