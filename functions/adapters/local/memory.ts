/**
 * In-memory WindowStore, AccountLease and TokenCache: the same rules as the DynamoDB and file stores
 * (../window-entries.ts), for fast scenario tests. State lives as long as the instance.
 */
import type {
  AccountLease,
  AccountScope,
  AccountWindowEntry,
  CachedToken,
  WindowAction,
  EdgeRun,
  PauseIntent,
  TokenCache,
  WindowEdges,
  WindowEntry,
  WindowKey,
  WindowStore,
} from '../../core/ports.js';
import { canForget, confirmEntry, decideBeginPause, leaseAvailable, recordEdgeRun, resumeEntry } from '../window-entries.js';
import type { Lease } from '../window-entries.js';

interface MemoryWindowStoreOptions {
  /** Epoch milliseconds, for leases; injectable for tests. */
  readonly now?: () => number;
}

// JSON of the parts: unambiguous whatever characters they hold.
const windowId = (key: WindowKey): string => JSON.stringify([key.window, key.kind ?? null]);
const scopeId = (scope: AccountScope): string => JSON.stringify([scope.provider, scope.account]);
const edgesId = (key: WindowKey): string => JSON.stringify([key.provider, key.account, key.window, key.kind ?? null]);

/** One window's entries, with its key. */
interface WindowEntries {
  readonly key: WindowKey;
  readonly entries: Map<string, WindowEntry>;
}

class MemoryWindowStore implements WindowStore, AccountLease {
  /** Account, then window and kind: the account's windows are read together, as DynamoDB's one Query does. */
  readonly #accounts = new Map<string, Map<string, WindowEntries>>();
  readonly #leases = new Map<string, Lease>();
  /** Account and window key → the window's edges. */
  readonly #edges = new Map<string, WindowEdges>();
  readonly #now: () => number;

  constructor(options: MemoryWindowStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  async beginPause(key: WindowKey, intent: PauseIntent): Promise<WindowEntry> {
    const entries = this.#entries(key);
    const decision = decideBeginPause(entries.get(intent.campaignId), intent);
    if (decision.write) entries.set(intent.campaignId, decision.entry);
    return { ...decision.entry };
  }

  async confirmPaused(key: WindowKey, campaignId: string, at: string): Promise<void> {
    const entries = this.#entries(key);
    entries.set(campaignId, confirmEntry(key, entries.get(campaignId), campaignId, at));
  }

  async forget(key: WindowKey, campaignId: string): Promise<void> {
    const entries = this.#entries(key);
    if (canForget(entries.get(campaignId))) entries.delete(campaignId);
  }

  async markResumed(key: WindowKey, campaignId: string, at: string, reason?: string): Promise<void> {
    const entries = this.#entries(key);
    const resumed = resumeEntry(entries.get(campaignId), at, reason);
    if (resumed !== undefined) entries.set(campaignId, resumed);
  }

  async list(key: WindowKey): Promise<WindowEntry[]> {
    return [...this.#entries(key).values()].map((entry) => ({ ...entry }));
  }

  async listAccount(scope: AccountScope): Promise<AccountWindowEntry[]> {
    const windows = this.#accounts.get(scopeId(scope))?.values() ?? [];
    return [...windows].flatMap(({ key, entries }) =>
      [...entries.values()].map((entry) => ({ window: key.window, ...(key.kind !== undefined ? { kind: key.kind } : {}), entry: { ...entry } })),
    );
  }

  async edges(key: WindowKey): Promise<WindowEdges> {
    return { ...this.#edges.get(edgesId(key)) };
  }

  async recordEdge(key: WindowKey, action: WindowAction, run: EdgeRun): Promise<void> {
    const decision = recordEdgeRun(this.#edges.get(edgesId(key)) ?? {}, action, run);
    if (decision.write) this.#edges.set(edgesId(key), decision.edges);
  }

  async acquire(scope: AccountScope, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    if (!leaseAvailable(this.#leases.get(scopeId(scope)), holder, now)) return false;
    this.#leases.set(scopeId(scope), { holder, expiresAtMs: now + ttlMs });
    return true;
  }

  async release(scope: AccountScope, holder: string): Promise<void> {
    if (this.#leases.get(scopeId(scope))?.holder === holder) this.#leases.delete(scopeId(scope));
  }

  #entries(key: WindowKey): Map<string, WindowEntry> {
    let windows = this.#accounts.get(scopeId(key));
    if (windows === undefined) {
      windows = new Map();
      this.#accounts.set(scopeId(key), windows);
    }
    let window = windows.get(windowId(key));
    if (window === undefined) {
      window = { key: { provider: key.provider, account: key.account, window: key.window, ...(key.kind !== undefined ? { kind: key.kind } : {}) }, entries: new Map() };
      windows.set(windowId(key), window);
    }
    return window.entries;
  }
}

class MemoryTokenCache implements TokenCache {
  #token: CachedToken | undefined;
  /** How many times put was called: lets tests see whether a run refreshed the token. */
  puts = 0;

  constructor(initial?: CachedToken) {
    this.#token = initial;
  }

  async get(): Promise<CachedToken | undefined> {
    return this.#token;
  }

  async put(token: CachedToken): Promise<void> {
    this.puts += 1;
    this.#token = { token: token.token, expiresAt: token.expiresAt };
  }
}

export { MemoryWindowStore, MemoryTokenCache };
export type { MemoryWindowStoreOptions };
