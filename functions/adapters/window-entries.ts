/**
 * The rules every WindowStore and AccountLease implementation follows, as small pure functions.
 * The memory and file stores apply them directly; the DynamoDB store expresses the same rules as
 * condition expressions, and the shared contract suite (test/adapters/window-store-contract.ts) holds
 * all three to them.
 */
import { CampaignStatus } from '../core/campaign.js';
import { CampaignOpsError, ExitStatus } from '../core/errors.js';
import { WindowAction, WindowEntryState } from '../core/ports.js';
import type { EdgeRun, PauseIntent, WindowEdges, WindowEntry, WindowKey } from '../core/ports.js';

/**
 * The window state cannot take the change asked for (the entry is gone or was given back), or is unreadable.
 * Only an unreadable state file ends a command (a state conflict is one campaign's failure): a file to fix.
 */
class WindowStateError extends CampaignOpsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, { code: 'WINDOW_STATE', retryable: false, exitStatus: ExitStatus.nothingDone }, options);
    this.name = 'WindowStateError';
  }
}

interface Lease {
  readonly holder: string;
  /** Epoch milliseconds after which another holder may take the lease. */
  readonly expiresAtMs: number;
}

const DAY_SECONDS = 24 * 60 * 60;

/** How long entries are kept: open ones outlive any sensible window, given-back ones stay a while for a second resume. */
const ENTRY_TTL_DAYS_DEFAULT = { open: 35, resumed: 14 } as const;

const describeWindow = (key: WindowKey): string => `${key.provider}/${key.account}/${key.window}${key.kind !== undefined ? ` (${key.kind})` : ''}`;

const isOpen = (entry: Pick<WindowEntry, 'state'>): boolean =>
  entry.state === WindowEntryState.pausing || entry.state === WindowEntryState.paused;

const entryFromIntent = (intent: PauseIntent): WindowEntry => ({
  campaignId: intent.campaignId,
  name: intent.name,
  before: intent.before,
  beforeVendorStatus: intent.beforeVendorStatus,
  state: WindowEntryState.pausing,
  runId: intent.runId,
  updatedAt: intent.at,
  ...(intent.heldWith !== undefined ? { heldWith: intent.heldWith } : {}),
});

/** An open entry is kept as it is (the first run's `before` wins); a missing or resumed one is replaced. */
const decideBeginPause = (
  existing: WindowEntry | undefined,
  intent: PauseIntent,
): { readonly entry: WindowEntry; readonly write: boolean } =>
  existing !== undefined && isOpen(existing)
    ? { entry: existing, write: false }
    : { entry: entryFromIntent(intent), write: true };

/** Only an open entry can be confirmed: anything else means the campaign is paused without a record. */
const confirmEntry = (key: WindowKey, existing: WindowEntry | undefined, campaignId: string, at: string): WindowEntry => {
  if (existing === undefined || !isOpen(existing)) {
    throw new WindowStateError(
      `window ${describeWindow(key)} has no open entry for campaign ${campaignId} ` +
        `(${existing === undefined ? 'it is gone' : `it is ${existing.state}`}): the pause is not recorded`,
    );
  }
  return { ...existing, state: WindowEntryState.paused, updatedAt: at };
};

const canForget = (existing: WindowEntry | undefined): boolean => existing?.state === WindowEntryState.pausing;

/** A missing entry stays missing: there is nothing to give back. */
const resumeEntry = (existing: WindowEntry | undefined, at: string, reason?: string): WindowEntry | undefined =>
  existing === undefined
    ? undefined
    : { ...existing, state: WindowEntryState.resumed, updatedAt: at, ...(reason !== undefined ? { closedReason: reason } : {}) };

const leaseAvailable = (existing: Lease | undefined, holder: string, nowMs: number): boolean =>
  existing === undefined || existing.expiresAtMs < nowMs || existing.holder === holder;

/** Epoch seconds at which an entry changed at `at` may be dropped (DynamoDB TTL, file pruning). */
const expiryOf = (
  entry: Pick<WindowEntry, 'state' | 'updatedAt'>,
  ttlDays: { readonly open: number; readonly resumed: number },
  fallbackNowMs: number,
): number => {
  const parsed = Date.parse(entry.updatedAt);
  const base = Math.floor((Number.isNaN(parsed) ? fallbackNowMs : parsed) / 1000);
  return base + (isOpen(entry) ? ttlDays.open : ttlDays.resumed) * DAY_SECONDS;
};

const CAMPAIGN_STATUSES: ReadonlySet<string> = new Set(Object.values(CampaignStatus));
const ENTRY_STATES: ReadonlySet<string> = new Set(Object.values(WindowEntryState));

/** Reads an entry back from storage; `where` names the place for the error message. */
const parseWindowEntry = (raw: unknown, where: string): WindowEntry => {
  if (typeof raw !== 'object' || raw === null) throw new WindowStateError(`${where}: entry is not an object`);
  const record = raw as Record<string, unknown>;
  const text = (field: string): string => {
    const value = record[field];
    if (typeof value !== 'string') throw new WindowStateError(`${where}: entry field ${field} is not a string`);
    return value;
  };
  const state = text('state');
  if (!ENTRY_STATES.has(state)) throw new WindowStateError(`${where}: entry state "${state}" is unknown`);
  const before = text('before');
  const optional = (field: string): Record<string, string> => {
    const value = record[field];
    if (value === undefined) return {};
    if (typeof value !== 'string') throw new WindowStateError(`${where}: entry field ${field} is not a string`);
    return { [field]: value };
  };
  return {
    campaignId: text('campaignId'),
    name: text('name'),
    // A status this version does not know is kept as unknown rather than losing the entry.
    before: (CAMPAIGN_STATUSES.has(before) ? before : CampaignStatus.unknown) as CampaignStatus,
    beforeVendorStatus: text('beforeVendorStatus'),
    state: state as WindowEntryState,
    runId: text('runId'),
    updatedAt: text('updatedAt'),
    ...optional('heldWith'),
    ...optional('closedReason'),
  };
};

/** Milliseconds of an intended time, for comparing two of them whatever their offsets. */
const edgeTimeMs = (run: Pick<EdgeRun, 'at'>): number => Date.parse(run.at);

/** A run replaces the edge's record unless the record's intended time is later. */
const recordEdgeRun = (edges: WindowEdges, action: WindowAction, run: EdgeRun): { readonly edges: WindowEdges; readonly write: boolean } => {
  const existing = edges[action];
  if (existing !== undefined && edgeTimeMs(existing) > edgeTimeMs(run)) return { edges, write: false };
  return { edges: { ...edges, [action]: { at: run.at, runId: run.runId, ranAt: run.ranAt } }, write: true };
};

/** Reads a window's edges record back from storage; absent is `{}`. */
const parseWindowEdges = (raw: unknown, where: string): WindowEdges => {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null) throw new WindowStateError(`${where}: edges is not an object`);
  const edges: Partial<Record<WindowAction, EdgeRun>> = {};
  for (const action of Object.values(WindowAction)) {
    const run = (raw as Record<string, unknown>)[action];
    if (run === undefined) continue;
    const { at, runId, ranAt } = (typeof run === 'object' && run !== null ? run : {}) as Record<string, unknown>;
    if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof runId !== 'string' || typeof ranAt !== 'string') {
      throw new WindowStateError(`${where}: the ${action} edge needs at (a time), runId and ranAt`);
    }
    edges[action] = { at, runId, ranAt };
  }
  return edges;
};

export {
  WindowStateError,
  edgeTimeMs,
  recordEdgeRun,
  parseWindowEdges,
  ENTRY_TTL_DAYS_DEFAULT,
  describeWindow,
  isOpen,
  entryFromIntent,
  decideBeginPause,
  confirmEntry,
  canForget,
  resumeEntry,
  leaseAvailable,
  expiryOf,
  parseWindowEntry,
};
export type { Lease };
