/**
 * The populate request (docs/contracts.md, "Populate request (Kahuna)"): read once, every problem reported at
 * once and named by field, before anything is sent. An inline `recipient_list` is checked here too: any
 * invalid recipient makes the whole request invalid (a list written in one piece is never half right).
 */
import { DEFAULT_MAX_EXTRA_PARAM_CHARS, checkParamValue, checkRecipient, checkSendTs, extraDefaults, listField, type ExtraParamDefaults } from './recipients.js';
import { unwrapEnvelope, CappedIssues, IssueList, MAX_LISTED_ISSUES, quote, readSecretName, describeType, isObject, readBoolean, readRequestObject, rejectUnknownFields } from './validation.js';

/** Kahuna's environments: production and sandbox. */
const POPULATE_ENVS = ['p', 's'] as const;
type PopulateEnv = (typeof POPULATE_ENVS)[number];

/** Kahuna's white-listed user credentials (vendor document, "Possible credential types"). */
const CRED_TYPES = [
  'dev_id',
  'username',
  'email',
  'fbid',
  'twtr',
  'lnk',
  'user_id',
  'token',
  'install_token',
  'gplus_id',
] as const;
type CredType = (typeof CRED_TYPES)[number];

/** `campaign_config` as it goes on the wire. */
interface CampaignConfig {
  readonly campaign_id: number;
  readonly cred_type: CredType;
  readonly observe_rate_limiting?: boolean;
  readonly target_global_control?: boolean;
}

type ParamValue = string | number;

/** Where the recipients are: in the request itself, or a JSON Lines object/file the caller opens. */
type RecipientOrigin =
  | { readonly kind: 'list'; readonly list: readonly unknown[] }
  | { readonly kind: 's3'; readonly url: string; readonly bucket: string; readonly key: string }
  | { readonly kind: 'file'; readonly path: string };

interface PopulateRequest {
  readonly provider: 'kahuna';
  readonly secret: string;
  readonly env: PopulateEnv;
  readonly campaignConfig: CampaignConfig;
  /** `default_params` as given (k_send_ts and extra parameters). */
  readonly defaultParams?: Readonly<Record<string, ParamValue>>;
  readonly recipients: RecipientOrigin;
  readonly dryRun: boolean;
  /** Follow every job until DONE or FAILED (default true). */
  readonly wait: boolean;
  readonly maxExtraParamChars: number;
}

interface ParsePopulateOptions {
  /** `recipients.file` names a local file: the CLI allows it, a Lambda does not. */
  readonly allowFile: boolean;
}

const REQUEST_FIELDS = [
  'action',
  'provider',
  'secret',
  'env',
  'campaign_config',
  'default_params',
  'recipient_list',
  'recipients',
  'dryRun',
  'wait',
  'maxExtraParamChars',
] as const;
const CAMPAIGN_CONFIG_FIELDS = ['campaign_id', 'cred_type', 'observe_rate_limiting', 'target_global_control'] as const;
const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;
const MAX_EXTRA_PARAM_CHARS_CEILING = 100_000;
/** Inline recipients with problems listed in one error; the rest are counted. */
const MAX_LISTED_RECIPIENT_ISSUES = 50;

const readCampaignConfig = (value: unknown, issues: IssueList): CampaignConfig | undefined => {
  if (value === undefined) {
    issues.add('campaign_config', 'is required: { "campaign_id": 999, "cred_type": "email" }');
    return undefined;
  }
  if (!isObject(value)) {
    issues.add('campaign_config', `must be an object, got ${describeType(value)}`);
    return undefined;
  }
  rejectUnknownFields(value, CAMPAIGN_CONFIG_FIELDS, 'campaign_config.', issues);
  const before = issues.issues.length;

  let campaignId: number | undefined;
  const rawId = value.campaign_id;
  if (rawId === undefined) issues.add('campaign_config.campaign_id', 'is required: the adaptive campaign (campaign group) id');
  else if (typeof rawId === 'number' && Number.isSafeInteger(rawId) && rawId > 0) campaignId = rawId;
  else if (typeof rawId === 'string' && /^[1-9]\d{0,15}$/.test(rawId.trim()) && Number.isSafeInteger(Number(rawId))) {
    campaignId = Number(rawId);
  } else issues.add('campaign_config.campaign_id', `must be a positive integer, got ${quote(rawId)}`);

  const credType = value.cred_type;
  if (credType === undefined) issues.add('campaign_config.cred_type', `is required (one of: ${CRED_TYPES.join(', ')})`);
  else if (typeof credType !== 'string' || !(CRED_TYPES as readonly string[]).includes(credType)) {
    issues.add('campaign_config.cred_type', `must be one of Kahuna's white-listed credentials: ${CRED_TYPES.join(', ')}; got ${quote(credType)}`);
  }

  const observe = readBoolean(value.observe_rate_limiting, 'campaign_config.observe_rate_limiting', issues);
  const control = readBoolean(value.target_global_control, 'campaign_config.target_global_control', issues);
  if (issues.issues.length > before || campaignId === undefined) return undefined;
  return {
    campaign_id: campaignId,
    cred_type: credType as CredType,
    ...(observe !== undefined ? { observe_rate_limiting: observe } : {}),
    ...(control !== undefined ? { target_global_control: control } : {}),
  };
};

const readDefaultParams = (value: unknown, issues: IssueList): Record<string, ParamValue> | undefined => {
  if (value === undefined) return undefined;
  if (!isObject(value)) {
    issues.add('default_params', `must be an object, got ${describeType(value)}`);
    return undefined;
  }
  const out: Record<string, ParamValue> = {};
  for (const [key, param] of Object.entries(value)) {
    const field = `default_params.${key}`;
    if (key === 'k_send_ts') {
      const problem = checkSendTs(param);
      if (problem) issues.add(field, problem);
      else out[key] = param as number;
    } else if (key === 'k_to') {
      issues.add(field, 'belongs in each recipient, not in default_params');
    } else if (key.trim() === '') {
      issues.add('default_params', 'an extra parameter needs a non-empty name');
    } else {
      const problem = checkParamValue(param);
      if (problem) issues.add(field, problem);
      else out[key] = param as ParamValue;
    }
  }
  return out;
};

const readMaxExtraParamChars = (value: unknown, issues: IssueList): number => {
  if (value === undefined) return DEFAULT_MAX_EXTRA_PARAM_CHARS;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= MAX_EXTRA_PARAM_CHARS_CEILING) return value;
  issues.add('maxExtraParamChars', `must be a whole number from 1 to ${MAX_EXTRA_PARAM_CHARS_CEILING}, got ${quote(value)}`);
  return DEFAULT_MAX_EXTRA_PARAM_CHARS;
};

const readRecipientsRef = (value: unknown, options: ParsePopulateOptions, issues: IssueList): RecipientOrigin | undefined => {
  const hint = options.allowFile ? '{ "s3": "s3://bucket/key.jsonl" } or { "file": "path.jsonl" }' : '{ "s3": "s3://bucket/key.jsonl" }';
  if (!isObject(value)) {
    issues.add('recipients', `must be ${hint}, got ${describeType(value)}`);
    return undefined;
  }
  rejectUnknownFields(value, ['s3', 'file'], 'recipients.', issues);
  const given = ['s3', 'file'].filter((k) => value[k] !== undefined);
  if (given.length !== 1) {
    issues.add('recipients', `must name exactly one of s3${options.allowFile ? ' or file' : ''}: ${hint}`);
    return undefined;
  }
  if (value.s3 !== undefined) {
    const match = typeof value.s3 === 'string' ? S3_URL.exec(value.s3.trim()) : null;
    if (!match) {
      issues.add('recipients.s3', `must be an S3 URL such as "s3://bucket/key.jsonl", got ${quote(value.s3)}`);
      return undefined;
    }
    return { kind: 's3', url: (value.s3 as string).trim(), bucket: match[1]!, key: match[2]! };
  }
  if (!options.allowFile) {
    issues.add('recipients.file', 'a local file can be named only on the command line; here use recipients.s3');
    return undefined;
  }
  if (typeof value.file !== 'string' || value.file.trim() === '') {
    issues.add('recipients.file', `must be a path to a JSON Lines file, got ${describeType(value.file)}`);
    return undefined;
  }
  return { kind: 'file', path: value.file };
};

/** Checks every inline recipient, listing at most MAX_LISTED_RECIPIENT_ISSUES problems and counting the rest. */
const checkInlineRecipients = (
  list: readonly unknown[],
  defaults: ExtraParamDefaults,
  maxExtraParamChars: number,
  issues: IssueList,
): void => {
  const capped = new CappedIssues(issues, MAX_LISTED_RECIPIENT_ISSUES);
  list.forEach((recipient, index) => {
    const check = checkRecipient(recipient, defaults, maxExtraParamChars);
    if (!check.ok) for (const issue of check.issues) capped.add(listField(index, issue.field), issue.problem);
  });
  capped.close('recipient_list');
};

/**
 * Reads a populate request: a direct payload, Scheduler input or an EventBridge event whose `detail`
 * holds it. Throws one InvalidRequestError listing every problem; inline recipients are checked here too,
 * so an invalid list reaches no vendor.
 */
const parsePopulateRequest = (input: unknown, options: ParsePopulateOptions): PopulateRequest => {
  // Room for the recipients' own capped listing (and its closing count) besides the other fields' problems.
  const issues = new IssueList(MAX_LISTED_RECIPIENT_ISSUES + 1 + MAX_LISTED_ISSUES);
  const raw = readRequestObject(unwrapEnvelope(input), issues);
  rejectUnknownFields(raw, REQUEST_FIELDS, '', issues);

  if (raw.action !== undefined && raw.action !== 'populate') {
    issues.add('action', `says ${quote(raw.action)} but this is a populate`);
  }
  if (raw.provider === undefined) issues.add('provider', 'is required: "kahuna"');
  else if (raw.provider === 'deltadna' || raw.provider === 'ocamba') {
    issues.add('provider', `${raw.provider} campaigns are paused and resumed, not populated (populate is for kahuna)`);
  } else if (raw.provider !== 'kahuna') issues.add('provider', `must be "kahuna", got ${quote(raw.provider)}`);

  const secret = readSecretName(raw.secret, issues);

  if (raw.env === undefined) issues.add('env', 'is required: "p" (production) or "s" (sandbox)');
  else if (!(POPULATE_ENVS as readonly unknown[]).includes(raw.env)) {
    issues.add('env', `must be "p" (production) or "s" (sandbox), got ${quote(raw.env)}`);
  }

  const campaignConfig = readCampaignConfig(raw.campaign_config, issues);
  const maxExtraParamChars = readMaxExtraParamChars(raw.maxExtraParamChars, issues);
  const defaultParams = readDefaultParams(raw.default_params, issues);
  const defaults = extraDefaults(defaultParams);
  if (defaults.chars > maxExtraParamChars) {
    issues.add(
      'default_params',
      `extra parameters total ${defaults.chars} characters (keys plus values), over the limit of ${maxExtraParamChars} for a push`,
    );
  }

  let recipients: RecipientOrigin | undefined;
  if (raw.recipient_list !== undefined && raw.recipients !== undefined) {
    issues.add('recipients', 'give either recipient_list (inline) or recipients (a JSON Lines object or file), not both');
  } else if (raw.recipient_list !== undefined) {
    if (!Array.isArray(raw.recipient_list)) {
      issues.add('recipient_list', `must be an array of recipient objects, got ${describeType(raw.recipient_list)}`);
    } else if (raw.recipient_list.length === 0) {
      issues.add('recipient_list', 'must hold at least one recipient');
    } else {
      if (defaults.chars <= maxExtraParamChars) checkInlineRecipients(raw.recipient_list, defaults, maxExtraParamChars, issues);
      recipients = { kind: 'list', list: raw.recipient_list };
    }
  } else if (raw.recipients !== undefined) {
    recipients = readRecipientsRef(raw.recipients, options, issues);
  } else {
    issues.add('recipient_list', 'is required (or recipients: { "s3": "s3://bucket/key.jsonl" } for a large list)');
  }

  const dryRun = readBoolean(raw.dryRun, 'dryRun', issues) ?? false;
  const wait = readBoolean(raw.wait, 'wait', issues) ?? true;

  issues.throwIfAny();
  return {
    provider: 'kahuna',
    secret: secret!,
    env: raw.env as PopulateEnv,
    campaignConfig: campaignConfig!,
    ...(defaultParams !== undefined ? { defaultParams } : {}),
    recipients: recipients!,
    dryRun,
    wait,
    maxExtraParamChars,
  };
};

export { POPULATE_ENVS, CRED_TYPES, MAX_LISTED_RECIPIENT_ISSUES, parsePopulateRequest };
export type { PopulateEnv, CredType, CampaignConfig, ParamValue, RecipientOrigin, PopulateRequest, ParsePopulateOptions };
