/**
 * The window configuration an operator edits (infra/windows.ts), its types, and its validation at synth.
 *
 * Validation collects every problem and throws once, each line naming the window (or account) and the
 * field, so `cdk synth` fails before anything reaches CloudFormation with a message an operator can act on:
 *   window "nightly": timeZone: unknown time zone "Europe/Berln" (did you mean "Europe/Berlin"?)
 * The request part of a window is checked by the same parser the Lambdas use, so what the schedules send
 * is what the handlers accept.
 */
import { InvalidRequestError } from '../functions/core/errors.js';
import { clip, quote } from '../functions/core/validation.js';
import { parseWindowRequest, type WindowAction } from '../functions/core/request.js';
import type { VendorRegistry } from '../functions/core/vendor.js';
import { VENDORS } from '../functions/providers/index.js';

/** A secret or window name is quoted whole up to this length (it names what to fix); other values are cut shorter. */
const QUOTED_NAME_CHARS = 256;
const MAX_TIME_ZONE_CHARS = 64;

/** A vendor of the registry (functions/providers/index.ts): deltadna, ocamba, kahuna. */
type AccountProvider = string;
/** A vendor whose campaigns windows pause and resume: deltadna, ocamba. */
type WindowProviderName = string;

/** One vendor account: its credentials live in the Secrets Manager secret of this name. */
interface AccountConfig {
  /** Secrets Manager secret name (not an ARN: the stack derives the token cache name and IAM scope from it). */
  readonly secret: string;
  readonly provider: AccountProvider;
  /**
   * true: the stack creates the secret with empty fields, and you put the credentials in after deploying.
   * false/absent: the secret already exists and is referenced by name.
   */
  readonly createSecret?: boolean;
}

/** Which campaigns a window touches: the `select` of the request contract (DESIGN.md). */
interface SelectConfig {
  /** deltaDNA environment id (e.g. 8756) or "Game/Environment". */
  readonly environment?: number | string;
  readonly allEnvironments?: boolean;
  readonly ids?: readonly (string | number)[];
  /** Glob patterns on campaign names (* and ?). */
  readonly names?: readonly string[];
  /** Ocamba labels. */
  readonly labels?: readonly string[];
  readonly exclude?: readonly (string | number)[];
  /** deltaDNA: "event-triggered" (default), "decision-point" or "all". */
  readonly kind?: string;
}

/** A maintenance window: pause at one time, resume what it paused at another, in one time zone. */
interface WindowConfig {
  /** Keys what the window paused; also the `detail.window` of the Maintenance Started/Finished events. */
  readonly name: string;
  readonly provider: WindowProviderName;
  /** The account's secret name, declared in `accounts`. */
  readonly secret: string;
  readonly select?: SelectConfig;
  /** Passed to vendors that take one (Ocamba). */
  readonly reason?: string;
  /**
   * When to pause, in `timeZone`: `cron(minutes hours day-of-month month day-of-week year)`, e.g.
   * `cron(0 22 * * ? *)`, or once: `at(2026-12-24T18:00:00)` (a bare `2026-12-24T18:00:00` also works).
   */
  readonly pause: string;
  /** When to resume, in the same forms. */
  readonly resume: string;
  /** IANA time zone of both times, e.g. "Europe/Berlin"; daylight saving time is followed. */
  readonly timeZone: string;
  /** Let Scheduler start up to this many minutes late (1-1440) to spread load; absent = on the minute. */
  readonly flexibleWindowMinutes?: number;
  readonly enabled: boolean;
}

interface CampaignOpsConfig {
  /** true disables every schedule and window event rule at the next deploy; manual runs still work. */
  readonly killSwitch: boolean;
  /** Where alarms are mailed (SNS email subscription, confirmed by mail); absent = topic only. */
  readonly alarmEmail?: string;
  /** S3 buckets populate may read recipient files from (`recipients: { s3 }`); none = inline lists only. */
  readonly recipientBuckets?: readonly string[];
  readonly accounts: readonly AccountConfig[];
  readonly windows: readonly WindowConfig[];
}

/** The pause/resume request exactly as a schedule or window rule sends it (DESIGN.md, "Pause / resume request"). */
interface ScheduledRequest {
  readonly provider: WindowProviderName;
  readonly secret: string;
  readonly window: string;
  readonly select: SelectConfig;
  readonly reason?: string;
  readonly dryRun: false;
  readonly scope?: 'window';
}

/** One edge of a window: when, in EventBridge Scheduler syntax, and what to send. */
interface WindowEdge {
  readonly action: WindowAction;
  /** `cron(...)` or `at(...)`, evaluated in the window's time zone. */
  readonly expression: string;
  readonly request: ScheduledRequest;
}

interface WindowPlan {
  readonly name: string;
  readonly provider: WindowProviderName;
  readonly secret: string;
  readonly timeZone: string;
  readonly flexibleWindowMinutes?: number;
  /** The window's own flag and the kill switch together. */
  readonly active: boolean;
  readonly pause: WindowEdge;
  readonly resume: WindowEdge;
}

interface ValidatedConfig {
  readonly killSwitch: boolean;
  readonly alarmEmail?: string;
  readonly recipientBuckets: readonly string[];
  readonly accounts: readonly AccountConfig[];
  readonly windows: readonly WindowPlan[];
}

/** The configuration cannot be deployed; `problems` lists every line of the message. */
class WindowConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(`invalid campaign-ops configuration (infra/windows.ts):\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
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

// ---- schedule expressions ---------------------------------------------------------------------------

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const CRON_FIELDS: readonly CronField[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS },
  { name: 'year', min: 1970, max: 2199 },
];
const DAY_OF_MONTH = 2;
const DAY_OF_WEEK = 4;
const CRON_FORM = 'cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 22 * * ? *)';

/** A single value of a field (number or, for month and day-of-week, a name); undefined when invalid. */
const cronValue = (text: string, field: CronField): number | undefined => {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    return value >= field.min && value <= field.max ? value : undefined;
  }
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return index >= 0 ? index + field.min : undefined;
};

/** Problems with one part of a comma-separated field; empty when the part is valid. */
const cronPartProblem = (part: string, field: CronField, index: number): string | undefined => {
  const range = `${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ''}`;
  if (part === '*') return undefined;
  if (index === DAY_OF_MONTH && /^(L|LW|\d{1,2}W)$/.test(part)) {
    return part.endsWith('W') && part !== 'LW' && cronValue(part.slice(0, -1), field) === undefined
      ? `${field.name}: ${quote(part)} is not a day 1-31 followed by W`
      : undefined;
  }
  if (index === DAY_OF_WEEK) {
    if (part === 'L') return undefined;
    const last = /^(\w+)L$/.exec(part);
    if (last && cronValue(last[1]!, field) !== undefined) return undefined;
    const nth = /^(\w+)#(\d)$/.exec(part);
    if (nth) {
      return cronValue(nth[1]!, field) !== undefined && Number(nth[2]) >= 1 && Number(nth[2]) <= 5
        ? undefined
        : `${field.name}: ${quote(part)} must be DAY#N with DAY ${range} and N 1-5`;
    }
  }
  const match = /^(\*|[A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(\d+))?$/.exec(part);
  if (!match) return `${field.name}: ${quote(part)} is not a value, range (a-b), step (a/n) or list (a,b) of ${range}`;
  const [, from, to, step] = match;
  if (from !== '*' && cronValue(from!, field) === undefined) return `${field.name}: ${quote(from)} is out of range (${range})`;
  if (from === '*' && to !== undefined) return `${field.name}: ${quote(part)} is not a valid range`;
  if (to !== undefined && cronValue(to, field) === undefined) return `${field.name}: ${quote(to)} is out of range (${range})`;
  if (step !== undefined && Number(step) < 1) return `${field.name}: step ${quote(step)} must be at least 1`;
  return undefined;
};

/** Problems with an EventBridge Scheduler cron expression's body (the text inside `cron(...)`). */
const cronProblems = (body: string): string[] => {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) {
    return [`has ${fields.length} field${fields.length === 1 ? '' : 's'}, EventBridge Scheduler needs 6: ${CRON_FORM}`];
  }
  const problems: string[] = [];
  fields.forEach((text, index) => {
    const field = CRON_FIELDS[index]!;
    if (text === '?') {
      if (index !== DAY_OF_MONTH && index !== DAY_OF_WEEK) problems.push(`${field.name}: "?" is allowed in day-of-month or day-of-week only`);
      return;
    }
    for (const part of text.split(',')) {
      const problem = cronPartProblem(part, field, index);
      if (problem) problems.push(problem);
    }
  });
  const questionMarks = [fields[DAY_OF_MONTH], fields[DAY_OF_WEEK]].filter((f) => f === '?').length;
  if (questionMarks !== 1) {
    problems.push('day-of-month and day-of-week: exactly one of them must be "?" (e.g. cron(0 22 * * ? *) every day, cron(0 22 ? * MON-FRI *) weekdays)');
  }
  return problems;
};

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A local date-time `yyyy-mm-ddThh:mm[:ss]` normalized to seconds, or a problem. */
const readLocalDateTime = (text: string): { value: string } | { problem: string } => {
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(text) && text.includes('T')) {
    return { problem: `${quote(text)} has a UTC offset; write the local time (yyyy-mm-ddThh:mm:ss): the zone comes from timeZone` };
  }
  const match = LOCAL_DATE_TIME.exec(text);
  if (!match) return { problem: `${quote(text)} is not a date-time yyyy-mm-ddThh:mm:ss` };
  const [year, month, day, hour, minute, second = '00'] = match.slice(1).map((part) => part ?? '00') as string[];
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)));
  const value = `${year}-${month}-${day}T${hour}:${minute}:${second}`;
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 19) !== value) {
    return { problem: `${quote(text)} is not a real date and time` };
  }
  return { value };
};

type ParsedSchedule =
  | { readonly kind: 'cron'; readonly expression: string }
  | { readonly kind: 'at'; readonly expression: string; readonly localTime: string };

/** Reads `cron(...)`, `at(...)` or a bare local date-time; returns the Scheduler expression or problems. */
const readSchedule = (value: unknown): { schedule: ParsedSchedule } | { problems: string[] } => {
  const forms = `${CRON_FORM}, or once: at(yyyy-mm-ddThh:mm:ss)`;
  if (typeof value !== 'string' || value.trim() === '') return { problems: [`is required: ${forms}`] };
  const text = value.trim();
  const cron = /^cron\((.*)\)$/s.exec(text);
  if (cron) {
    const problems = cronProblems(cron[1]!).map((problem) => `${clip(text, QUOTED_NAME_CHARS)}: ${problem}`);
    return problems.length ? { problems } : { schedule: { kind: 'cron', expression: `cron(${cron[1]!.trim().split(/\s+/).join(' ')})` } };
  }
  const at = /^at\((.*)\)$/s.exec(text);
  if (at || /^\d{4}-/.test(text)) {
    const local = readLocalDateTime((at ? at[1]! : text).trim());
    if ('problem' in local) return { problems: [local.problem] };
    return { schedule: { kind: 'at', expression: `at(${local.value})`, localTime: local.value } };
  }
  if (/^rate\(/.test(text)) return { problems: [`${quote(text)}: a window opens at a time of day, not at a rate; use ${forms}`] };
  return { problems: [`${quote(text)} is not a schedule: use ${forms}`] };
};

// ---- time zones -------------------------------------------------------------------------------------

const editDistance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
};

/** The problem with an IANA time zone name, or undefined when EventBridge Scheduler will accept it. */
const timeZoneProblem = (value: unknown): string | undefined => {
  if (typeof value !== 'string' || value.trim() === '') return 'is required: an IANA time zone such as "Europe/Berlin" or "UTC"';
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    // No IANA zone is this long: a suggestion (an edit distance against every zone) would only cost time.
    if (value.length > MAX_TIME_ZONE_CHARS) return `unknown time zone ${quote(value)}`;
    const known = Intl.supportedValuesOf('timeZone');
    const nearest = known
      .map((zone) => ({ zone, distance: editDistance(zone.toLowerCase(), value.toLowerCase()) }))
      .sort((a, b) => a.distance - b.distance)[0];
    const hint = nearest && nearest.distance <= 3 ? ` (did you mean ${quote(nearest.zone)}?)` : '';
    return `unknown time zone ${quote(value)}${hint}`;
  }
  // Intl ignores case; Scheduler does not.
  if (resolved !== value && resolved.toLowerCase() === value.toLowerCase()) return `unknown time zone ${quote(value)} (did you mean ${quote(resolved)}?)`;
  return undefined;
};

// ---- the configuration ------------------------------------------------------------------------------

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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
    const label = isRecord(account) && typeof account.secret === 'string' ? `account ${quote(account.secret, QUOTED_NAME_CHARS)}` : `accounts[${index}]`;
    const add = (problem: string): void => {
      problems.push(`${label}: ${problem}`);
    };
    if (!isRecord(account)) {
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
  const label = isRecord(window) && typeof window.name === 'string' ? `window ${quote(window.name, QUOTED_NAME_CHARS)}` : `windows[${index}]`;
  const found: string[] = [];
  const add = (problem: string): void => {
    if (!found.includes(problem)) found.push(problem);
  };
  if (!isRecord(window)) {
    problems.push(`${label}: must be an object (see WindowConfig in infra/window-config.ts)`);
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
  if (!isRecord(config)) throw new WindowConfigError(['(configuration): must be an object { killSwitch, accounts, windows }']);
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
      const name = isRecord(window) ? window.name : undefined;
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

export { WindowConfigError, validateConfig, readSchedule, timeZoneProblem };
export type {
  AccountProvider,
  AccountConfig,
  SelectConfig,
  WindowConfig,
  CampaignOpsConfig,
  ScheduledRequest,
  WindowEdge,
  WindowPlan,
  ValidatedConfig,
};
