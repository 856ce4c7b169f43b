/**
 * The ports the core talks through. Each has an AWS adapter (functions/adapters/aws) and a local one
 * (functions/adapters/local); only adapters import AWS SDK clients.
 */
import type { CampaignStatus } from './campaign.js';

/** Which window of which account: every entry of the window state lives under one of these. */
interface WindowKey {
  readonly provider: string;
  /** The credentials' secret name: one vendor account. */
  readonly account: string;
  readonly window: string;
  /**
   * The kind of campaign, where a vendor has several and it is not the default (deltaDNA's
   * decision-point): ids of two kinds may be equal, so each kind's entries live under their own key.
   */
  readonly kind?: string;
}

/**
 * One campaign a window paused (or is about to pause).
 * - `pausing`: written before the vendor call, so a crash between the two loses nothing;
 * - `paused`: the vendor confirmed;
 * - `resumed`: the window gave it back; kept (until it expires) so a second resume can say so.
 */
const WindowEntryState = { pausing: 'pausing', paused: 'paused', resumed: 'resumed' } as const;
type WindowEntryState = (typeof WindowEntryState)[keyof typeof WindowEntryState];

interface WindowEntry {
  readonly campaignId: string;
  readonly name: string;
  /** The status the campaign had before the window paused it. */
  readonly before: CampaignStatus;
  readonly beforeVendorStatus: string;
  readonly state: WindowEntryState;
  /** The run that first recorded it. */
  readonly runId: string;
  /** ISO-8601 time of the last change of state. */
  readonly updatedAt: string;
  /**
   * The window whose hold this entry joined: the campaign was already paused by that window when this
   * one found it, so `before` is copied from that window's entry (the status before the first window).
   */
  readonly heldWith?: string;
  /** Why the entry was closed by someone other than its own window (a `scope: "selection"` resume). */
  readonly closedReason?: string;
}

interface PauseIntent {
  readonly campaignId: string;
  readonly name: string;
  readonly before: CampaignStatus;
  readonly beforeVendorStatus: string;
  readonly runId: string;
  readonly at: string;
  /** Joining another window's hold on a campaign it already paused (see `WindowEntry.heldWith`). */
  readonly heldWith?: string;
}

/** What a window does at its two edges: pause, then resume. The window state records each edge's last run. */
const WindowAction = { pause: 'pause', resume: 'resume' } as const;
type WindowAction = (typeof WindowAction)[keyof typeof WindowAction];

/** One run of a window's edge: when it was meant to happen, which run it was, and when it ran. */
interface EdgeRun {
  /** ISO-8601: the intended time (the schedule's scheduled time, the event's time, or when it was asked). */
  readonly at: string;
  readonly runId: string;
  /** ISO-8601: when the run took the account and started. */
  readonly ranAt: string;
}

/** The last run of each edge of one window key, by intended time. */
type WindowEdges = Readonly<Partial<Record<WindowAction, EdgeRun>>>;

/** One vendor account: every window of it, and its lease. */
interface AccountScope {
  readonly provider: string;
  readonly account: string;
}

/** An entry of some window of an account, with the key it lives under. */
interface AccountWindowEntry {
  readonly window: string;
  /** As in `WindowKey`: absent for the vendor's default kind of campaign. */
  readonly kind?: string;
  readonly entry: WindowEntry;
}

/**
 * Where a window remembers what it paused. Every method is safe under concurrent runs of the same
 * window: implementations use conditional writes (DynamoDB) or a lock (files).
 */
interface WindowStore {
  /**
   * Record the intent to pause, before the vendor call. An open entry (pausing or paused) is kept as it
   * is, so the first run's `before` wins; a `resumed` entry from an earlier cycle is replaced.
   * Returns the entry as stored.
   */
  beginPause(key: WindowKey, intent: PauseIntent): Promise<WindowEntry>;
  /** The vendor confirmed the pause (or the campaign was found paused under an open entry). */
  confirmPaused(key: WindowKey, campaignId: string, at: string): Promise<void>;
  /** The pause did not happen: drop the entry, but only while it is still `pausing`. */
  forget(key: WindowKey, campaignId: string): Promise<void>;
  /**
   * The window gave the campaign back (or found it no longer ours to give back). `reason`, when another
   * window's run closes the entry (a `scope: "selection"` resume), is kept on the entry as `closedReason`.
   */
  markResumed(key: WindowKey, campaignId: string, at: string, reason?: string): Promise<void>;
  /** Every entry of the window, in no particular order. */
  list(key: WindowKey): Promise<WindowEntry[]>;
  /**
   * Every entry of every window (and kind) of one account, in no particular order: how a window finds
   * the campaigns other windows hold. One read (a DynamoDB Query on the account's partition, never a Scan).
   */
  listAccount(scope: AccountScope): Promise<AccountWindowEntry[]>;
  /** The last run of each edge of the window key (nothing recorded: `{}`). */
  edges(key: WindowKey): Promise<WindowEdges>;
  /**
   * Records a run of an edge, unless the edge's record already names a later intended time: a later
   * intended time is never overwritten by an earlier one (an equal one is, by the newer run).
   */
  recordEdge(key: WindowKey, action: WindowAction, run: EdgeRun): Promise<void>;
}

/** A vendor token with its expiry, e.g. deltaDNA's idToken. */
interface CachedToken {
  readonly token: string;
  /** ISO-8601. */
  readonly expiresAt: string;
}

/** Where one account's vendor token is kept between runs (companion secret on AWS, a file locally). */
interface TokenCache {
  get(): Promise<CachedToken | undefined>;
  put(token: CachedToken): Promise<void>;
}

/** Reads one secret's SecretString by name or ARN. Implementations never log the value. */
interface SecretSource {
  getSecretString(name: string): Promise<string>;
}

/** Publishes a run's result (on EventBridge, or to a local sink). */
interface ResultPublisher {
  publish(detailType: string, detail: object): Promise<void>;
}

/** A minimal structured logger; Powertools' Logger fits it. */
interface Log {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** Counters for metrics: vendor requests, retries, throttles, outcomes. */
interface Telemetry {
  count(name: string, value?: number): void;
}

const silentLog: Log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const noTelemetry: Telemetry = { count: () => {} };

export { WindowEntryState, WindowAction, silentLog, noTelemetry };
export type {
  WindowKey,
  WindowEntry,
  PauseIntent,
  EdgeRun,
  WindowEdges,
  AccountScope,
  AccountWindowEntry,
  WindowStore,
  CachedToken,
  TokenCache,
  SecretSource,
  ResultPublisher,
  Log,
  Telemetry,
};

/**
 * One run at a time per vendor account, so the account-wide rate limits hold across Lambdas and hosts.
 * A lease with an expiry: a crashed holder cannot block the account for longer than `ttlMs`.
 */
interface AccountLease {
  /** True when this holder now has the lease (or already had it). */
  acquire(scope: { provider: string; account: string }, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up, only if this holder has it. */
  release(scope: { provider: string; account: string }, holder: string): Promise<void>;
}

export type { AccountLease };
