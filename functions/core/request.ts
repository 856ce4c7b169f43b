/**
 * The pause/resume request (docs/contracts.md, "Pause / resume request"), read from any of the forms
 * it arrives in: a direct Lambda payload, EventBridge Scheduler input (passed as-is), or an EventBridge
 * event whose `detail` holds it. What a selection may use comes from the vendor's descriptor. Every
 * problem is reported at once, naming the field; nothing reaches a vendor.
 */
import { environmentRefOf, type EnvironmentRef } from './environments.js';
import { WindowAction } from './ports.js';
import { ALL_KINDS, VendorCapability, type VendorRegistry, type WindowVendor } from './vendor.js';
import { unwrapEnvelope, IssueList, readSecretName, isObject, readBoolean, readRequestObject, readStringList, rejectUnknownFields, describeType, quote, type Json } from './validation.js';

const ResumeScope = { window: 'window', selection: 'selection' } as const;
type ResumeScope = (typeof ResumeScope)[keyof typeof ResumeScope];


interface Selection {
  readonly environment?: EnvironmentRef;
  readonly allEnvironments: boolean;
  readonly ids?: readonly string[];
  readonly names?: readonly string[];
  readonly labels?: readonly string[];
  readonly exclude: readonly string[];
  /** The kind of campaign, where the vendor has several: one of its kinds, or "all"; absent = its default. */
  readonly kind?: string;
}

interface WindowRequest {
  readonly action: WindowAction;
  /** A vendor whose campaigns windows pause and resume (see the registry). */
  readonly provider: string;
  readonly secret: string;
  readonly window: string;
  readonly select: Selection;
  readonly reason?: string;
  readonly dryRun: boolean;
  readonly scope: ResumeScope;
  /**
   * When the run was meant to happen (ISO-8601, normalized to UTC): the request's `at` (Scheduler's
   * scheduled time), else the EventBridge envelope's `time`; absent for a direct invoke or the CLI, whose
   * run means now. A run meant for before the window's last run of the other edge is stale (late-delivery.ts).
   */
  readonly at?: string;
}

const REQUEST_FIELDS = ['provider', 'secret', 'window', 'select', 'reason', 'dryRun', 'scope', 'action', 'at'] as const;
/** How far ahead of the run's clock an intended time may be: clock skew, never a run meant for later. */
const MAX_AT_AHEAD_MS = 5 * 60_000;
/** ISO-8601 with a zone: 2026-12-01T22:00:00Z, 2026-12-01T23:00:00.000+01:00. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

interface ParseOptions {
  /** The run's clock, to refuse an intended time in the future; default the system clock. */
  readonly now?: () => Date;
}
const SELECT_FIELDS = ['environment', 'allEnvironments', 'ids', 'names', 'labels', 'exclude', 'kind'] as const;
const WINDOW_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_REASON = 500;

/** Bounds on a selection (README, "Limits"): each id named costs a vendor read, each glob a match per campaign. */
const SELECTION_LIMITS = {
  ids: 1_000,
  exclude: 1_000,
  names: 50,
  globChars: 256,
  labels: 50,
  labelChars: 256,
  environmentChars: 256,
} as const;

const readEnvironment = (value: unknown, issues: IssueList): EnvironmentRef | undefined => {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return { id: value };
  if (typeof value === 'string') {
    if (value.length > SELECTION_LIMITS.environmentChars) {
      issues.add('select.environment', `is ${value.length} characters long; at most ${SELECTION_LIMITS.environmentChars} are allowed: ${quote(value)}`);
      return undefined;
    }
    const ref = environmentRefOf(value);
    if (ref) return ref;
  }
  issues.add('select.environment', `must be an environment id (e.g. 8756) or "Game/Environment" (e.g. "DeltaSlot/Live"), got ${quote(value)}`);
  return undefined;
};

const readGlobs = (value: unknown, issues: IssueList): string[] | undefined => {
  const globs = readStringList(value, 'select.names', issues, { maxItems: SELECTION_LIMITS.names, maxChars: SELECTION_LIMITS.globChars, allowEmpty: false });
  globs?.forEach((glob, index) => {
    if (/[\\^$()|{}[\]+]/.test(glob)) {
      issues.add(`select.names[${index}]`, `is a glob (* and ? only), not a regular expression: ${quote(glob)}`);
    }
  });
  return globs;
};

/** Campaign ids go into the vendor's URL path: only the vendor's own id form passes, so "." or ".." cannot change the endpoint. */
const readCampaignIds = (value: unknown, field: 'select.ids' | 'select.exclude', vendor: WindowVendor | undefined, issues: IssueList): string[] | undefined => {
  const form = vendor?.selection.campaignId;
  return readStringList(value, field, issues, {
    acceptNumbers: true,
    maxItems: field === 'select.ids' ? SELECTION_LIMITS.ids : SELECTION_LIMITS.exclude,
    allowEmpty: field === 'select.exclude',
    ...(form ? { check: (id: string) => (form.pattern.test(id) ? undefined : `${form.description}, got ${quote(id)}`) } : {}),
  });
};

/** Which window vendors have a feature, for a message: "deltadna", or "none". */
const vendorsWith = (vendors: VendorRegistry, has: (vendor: WindowVendor) => boolean): string =>
  vendors.all
    .filter((v): v is WindowVendor => v.capability === VendorCapability.windows && has(v))
    .map((v) => v.name)
    .join(', ') || 'none';

const readKind = (value: unknown, vendor: WindowVendor | undefined, vendors: VendorRegistry, issues: IssueList): string | undefined => {
  if (value === undefined || vendor === undefined) return undefined;
  const kinds = vendor.selection.kinds;
  if (kinds.length === 0) {
    issues.add('select.kind', `${vendor.name} has one kind of campaign (kind is a selection of ${vendorsWith(vendors, (v) => v.selection.kinds.length > 0)})`);
    return undefined;
  }
  const allowed = [...kinds, ALL_KINDS];
  if (typeof value === 'string' && allowed.includes(value)) return value;
  issues.add('select.kind', `must be one of: ${allowed.map((k) => `"${k}"`).join(', ')} (default "${kinds[0]}"); got ${quote(value)}`);
  return undefined;
};

const readSelection = (value: unknown, vendor: WindowVendor | undefined, vendors: VendorRegistry, issues: IssueList): Selection => {
  if (value !== undefined && !isObject(value)) {
    issues.add('select', `must be an object, got ${describeType(value)}`);
  }
  const raw: Json = isObject(value) ? value : {};
  rejectUnknownFields(raw, SELECT_FIELDS, 'select.', issues);

  const environment = readEnvironment(raw.environment, issues);
  const allEnvironments = readBoolean(raw.allEnvironments, 'select.allEnvironments', issues) ?? false;
  const ids = readCampaignIds(raw.ids, 'select.ids', vendor, issues);
  const names = readGlobs(raw.names, issues);
  const labels = readStringList(raw.labels, 'select.labels', issues, { maxItems: SELECTION_LIMITS.labels, maxChars: SELECTION_LIMITS.labelChars, allowEmpty: false });
  const exclude = readCampaignIds(raw.exclude, 'select.exclude', vendor, issues) ?? [];
  const kind = readKind(raw.kind, vendor, vendors, issues);

  if (vendor?.selection.environments) {
    if (raw.environment === undefined && !allEnvironments) {
      issues.add(
        'select.environment',
        `is required for ${vendor.name} (a key usually sees Dev and Live of several games): name one, e.g. 8756 or "DeltaSlot/Live", or set select.allEnvironments to true`,
      );
    }
    if (raw.environment !== undefined && allEnvironments) {
      issues.add('select.allEnvironments', 'cannot be true when select.environment names one environment');
    }
  } else if (vendor) {
    const where = vendorsWith(vendors, (v) => v.selection.environments);
    if (raw.environment !== undefined) issues.add('select.environment', `${vendor.name} has no environments (environment is a selection of ${where})`);
    if (raw.allEnvironments !== undefined) issues.add('select.allEnvironments', `${vendor.name} has no environments`);
  }
  if (vendor && !vendor.selection.labels && raw.labels !== undefined) {
    issues.add('select.labels', `${vendor.name} campaigns have no labels (labels are a selection of ${vendorsWith(vendors, (v) => v.selection.labels)})`);
  }

  return {
    ...(environment ? { environment } : {}),
    allEnvironments,
    ...(ids ? { ids } : {}),
    ...(names ? { names } : {}),
    ...(labels ? { labels } : {}),
    exclude,
    ...(kind ? { kind } : {}),
  };
};

/** An intended time: ISO-8601 with a zone, not more than a few minutes ahead; normalized to UTC. */
const readIntendedTime = (value: unknown, field: string, options: ParseOptions, issues: IssueList): string | undefined => {
  const ms = typeof value === 'string' && ISO_WITH_ZONE.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    issues.add(field, `must be an ISO-8601 time with a zone, e.g. "2026-12-01T22:00:00Z"; got ${quote(value)}`);
    return undefined;
  }
  const now = (options.now ?? (() => new Date()))().getTime();
  if (ms - now > MAX_AT_AHEAD_MS) {
    issues.add(field, `is ${Math.round((ms - now) / 60_000)} minutes ahead of now; a run may be meant for at most ${MAX_AT_AHEAD_MS / 60_000} minutes ahead: ${quote(value)}`);
    return undefined;
  }
  return new Date(ms).toISOString();
};

/**
 * Reads a pause or resume request. `action` is what the caller (handler or CLI command) is about to do;
 * a request that names another action is refused rather than silently run.
 */
const parseWindowRequest = (input: unknown, action: WindowAction, vendors: VendorRegistry, options: ParseOptions = {}): WindowRequest => {
  const issues = new IssueList();
  const detail = unwrapEnvelope(input);
  const raw = readRequestObject(detail, issues);
  rejectUnknownFields(raw, REQUEST_FIELDS, '', issues);

  if (raw.action !== undefined && raw.action !== action) {
    issues.add('action', `says ${quote(raw.action)} but this is a ${action}`);
  }

  const windowVendors = vendors.names(VendorCapability.windows);
  const vendor = vendors.windowVendor(raw.provider);
  if (raw.provider === undefined) issues.add('provider', `is required (one of: ${windowVendors.join(', ')})`);
  else if (vendors.populateVendor(raw.provider)) issues.add('provider', `${String(raw.provider)} campaigns are populated, not paused or resumed (use populate)`);
  else if (!vendor) issues.add('provider', `must be one of: ${windowVendors.join(', ')}; got ${quote(raw.provider)}`);

  const secret = readSecretName(raw.secret, issues);

  if (raw.window === undefined) issues.add('window', 'is required: the maintenance window name, e.g. "nightly"');
  else if (typeof raw.window !== 'string' || !WINDOW_NAME.test(raw.window)) {
    issues.add('window', 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  }

  const select = readSelection(raw.select, vendor, vendors, issues);

  if (raw.reason !== undefined && (typeof raw.reason !== 'string' || raw.reason.length > MAX_REASON)) {
    issues.add('reason', `must be a string of at most ${MAX_REASON} characters`);
  }
  const dryRun = readBoolean(raw.dryRun, 'dryRun', issues) ?? false;

  let scope: ResumeScope = ResumeScope.window;
  if (raw.scope !== undefined) {
    if (action !== 'resume') issues.add('scope', 'applies to resume only');
    else if (raw.scope === 'window' || raw.scope === 'selection') scope = raw.scope;
    else issues.add('scope', `must be "window" (resume what this window paused) or "selection" (resume every selected paused campaign); got ${quote(raw.scope)}`);
  }

  // The request's own `at` wins; an EventBridge event's `time` otherwise (the envelope, not the detail).
  const envelopeTime = detail !== input && isObject(input) ? input.time : undefined;
  const at =
    raw.at !== undefined
      ? readIntendedTime(raw.at, 'at', options, issues)
      : envelopeTime !== undefined
        ? readIntendedTime(envelopeTime, 'time', options, issues)
        : undefined;

  issues.throwIfAny();
  return {
    action,
    provider: vendor!.name,
    secret: secret!,
    window: raw.window as string,
    select,
    ...(typeof raw.reason === 'string' && raw.reason.trim() ? { reason: raw.reason } : {}),
    dryRun,
    scope,
    ...(at !== undefined ? { at } : {}),
  };
};

export { WindowAction, ResumeScope, SELECTION_LIMITS, MAX_AT_AHEAD_MS, parseWindowRequest };
export type { WindowRequest, Selection, EnvironmentRef, ParseOptions };
