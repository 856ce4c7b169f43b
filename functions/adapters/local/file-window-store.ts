/**
 * WindowStore and AccountLease in files under the state directory (default `.campaign-ops/`):
 *
 *   windows/<provider>.<account>/<window>[.<kind>].json   one window's entries, a directory per account
 *   leases/<provider>.<account>.json                      the account's lease
 *
 * A directory per account, so a run reads every window of its account (the holds of other windows) with
 * one listing and no file of another account. Versions before 2026-12 kept `windows/<provider>.<account>.
 * <window>[.<kind>].json`: a window missing from its account's directory is read from there, and moved
 * at its next change, so a window open across an upgrade still resumes what it paused.
 * Each part percent-encoded; a name longer than 150 characters keeps a readable head and a digest of the
 * whole, so no secret or window name can overflow the file system's limit on a name.
 *
 * Each change reads, changes and atomically rewrites one file while holding that file's lock, so two CLI
 * processes running the same window can neither lose nor double an entry. The rules are those of
 * ../window-entries.ts, shared with the DynamoDB and memory stores. A window keeps one entry per campaign,
 * so its file stays small without expiry.
 */
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../core/clock.js';
import type { AccountLease, AccountScope, AccountWindowEntry, WindowAction, EdgeRun, PauseIntent, WindowEdges, WindowEntry, WindowKey, WindowStore } from '../../core/ports.js';
import {
  WindowStateError,
  canForget,
  confirmEntry,
  decideBeginPause,
  leaseAvailable,
  parseWindowEdges,
  parseWindowEntry,
  recordEdgeRun,
  resumeEntry,
} from '../window-entries.js';
import type { Lease } from '../window-entries.js';
import { stateFileName, withFileLock, writeFileAtomic } from './files.js';
import type { FileLockOptions } from './files.js';

interface FileWindowStoreOptions {
  /** Default `.campaign-ops` in the working directory. */
  readonly stateDir?: string;
  /** Times leases and the file locks' waits; default the system clock. */
  readonly clock?: Clock;
  /** Epoch milliseconds for leases, when only the time is to differ from `clock`'s. */
  readonly now?: () => number;
  /** The file locks' limits; their clock is `clock` unless given here. */
  readonly lock?: FileLockOptions;
}

interface WindowFile {
  readonly version: 1;
  readonly provider: string;
  readonly account: string;
  readonly window: string;
  readonly kind?: string;
  readonly entries: readonly WindowEntry[];
  /** When each edge last ran, for which intended time (absent until a first run records one). */
  readonly edges?: WindowEdges;
}

/** A window's file as read: its entries and its edges. */
interface WindowState {
  readonly entries: Map<string, WindowEntry>;
  edges: WindowEdges;
}

const STATE_DIR_DEFAULT = '.campaign-ops';

const errorCode = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';

/** The file's JSON, or undefined when there is no file. */
const readJson = async (path: string): Promise<unknown> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // Never overwritten: a person should look at it before the window forgets what it paused.
    throw new WindowStateError(`state file ${path} is not valid JSON; fix or remove it`, { cause: error });
  }
};

class FileWindowStore implements WindowStore, AccountLease {
  readonly stateDir: string;
  readonly #now: () => number;
  readonly #lock: FileLockOptions;

  constructor(options: FileWindowStoreOptions = {}) {
    this.stateDir = options.stateDir ?? STATE_DIR_DEFAULT;
    const clock = options.clock ?? systemClock;
    this.#now = options.now ?? (() => clock.now());
    this.#lock = { clock, ...options.lock };
  }

  /** The file that holds a window's entries. */
  windowPath(key: WindowKey): string {
    return join(this.#accountDir(key), stateFileName([key.window, ...(key.kind !== undefined ? [key.kind] : [])], '.json'));
  }

  async beginPause(key: WindowKey, intent: PauseIntent): Promise<WindowEntry> {
    return this.#change(key, (entries) => {
      const decision = decideBeginPause(entries.get(intent.campaignId), intent);
      if (decision.write) entries.set(intent.campaignId, decision.entry);
      return { result: decision.entry, changed: decision.write };
    });
  }

  async confirmPaused(key: WindowKey, campaignId: string, at: string): Promise<void> {
    await this.#change(key, (entries) => {
      entries.set(campaignId, confirmEntry(key, entries.get(campaignId), campaignId, at));
      return { result: undefined, changed: true };
    });
  }

  async forget(key: WindowKey, campaignId: string): Promise<void> {
    await this.#change(key, (entries) => {
      const changed = canForget(entries.get(campaignId));
      if (changed) entries.delete(campaignId);
      return { result: undefined, changed };
    });
  }

  async markResumed(key: WindowKey, campaignId: string, at: string, reason?: string): Promise<void> {
    await this.#change(key, (entries) => {
      const resumed = resumeEntry(entries.get(campaignId), at, reason);
      if (resumed !== undefined) entries.set(campaignId, resumed);
      return { result: undefined, changed: resumed !== undefined };
    });
  }

  /** Reads without the lock: writes are atomic renames, so the file is always whole. */
  async list(key: WindowKey): Promise<WindowEntry[]> {
    return [...(await this.#read(key)).entries.values()];
  }

  async edges(key: WindowKey): Promise<WindowEdges> {
    return (await this.#read(key)).edges;
  }

  async recordEdge(key: WindowKey, action: WindowAction, run: EdgeRun): Promise<void> {
    await this.#changeState(key, (state) => {
      const decision = recordEdgeRun(state.edges, action, run);
      state.edges = decision.edges;
      return { result: undefined, changed: decision.write };
    });
  }

  /** Every window file of the account, read without locks as `list` is; the key comes from each file. */
  async listAccount(scope: AccountScope): Promise<AccountWindowEntry[]> {
    const dir = this.#accountDir(scope);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
    const found: AccountWindowEntry[] = [];
    // Only window files: lock and temporary files end otherwise.
    for (const name of names.filter((each) => each.endsWith('.json')).sort()) {
      const path = join(dir, name);
      const raw = await readJson(path);
      if (raw === undefined) continue;
      const { window, kind } = raw as { window?: unknown; kind?: unknown };
      if (typeof window !== 'string' || (kind !== undefined && typeof kind !== 'string')) {
        throw new WindowStateError(`state file ${path} does not name its window; fix or remove it`);
      }
      for (const entry of this.#entriesOf(raw, path).values()) found.push({ window, ...(kind !== undefined ? { kind } : {}), entry });
    }
    return found;
  }

  async acquire(scope: { provider: string; account: string }, holder: string, ttlMs: number): Promise<boolean> {
    const path = this.#leasePath(scope);
    return withFileLock(
      `${path}.lock`,
      async () => {
        const now = this.#now();
        if (!leaseAvailable(await this.#readLease(path), holder, now)) return false;
        const lease: Lease = { holder, expiresAtMs: now + ttlMs };
        await writeFileAtomic(path, `${JSON.stringify(lease)}\n`);
        return true;
      },
      this.#lock,
    );
  }

  async release(scope: { provider: string; account: string }, holder: string): Promise<void> {
    const path = this.#leasePath(scope);
    await withFileLock(
      `${path}.lock`,
      async () => {
        if ((await this.#readLease(path))?.holder === holder) await rm(path, { force: true });
      },
      this.#lock,
    );
  }

  #accountDir(scope: AccountScope): string {
    return join(this.stateDir, 'windows', stateFileName([scope.provider, scope.account], ''));
  }

  #leasePath(scope: { provider: string; account: string }): string {
    return join(this.stateDir, 'leases', stateFileName([scope.provider, scope.account], '.json'));
  }

  async #readLease(path: string): Promise<Lease | undefined> {
    const raw = await readJson(path);
    if (raw === undefined) return undefined;
    const { holder, expiresAtMs } = raw as Partial<Record<keyof Lease, unknown>>;
    // An unreadable lease protects nothing: treat it as free.
    return typeof holder === 'string' && typeof expiresAtMs === 'number' ? { holder, expiresAtMs } : undefined;
  }

  async #read(key: WindowKey): Promise<WindowState> {
    const path = this.windowPath(key);
    const raw = await readJson(path);
    if (raw !== undefined) return { entries: this.#entriesOf(raw, path), edges: parseWindowEdges((raw as { edges?: unknown }).edges, `state file ${path}`) };
    const legacy = this.#legacyPath(key);
    return { entries: this.#entriesOf(await readJson(legacy), legacy), edges: {} };
  }

  /** Where earlier versions kept a window's entries (see the module's comment). */
  #legacyPath(key: WindowKey): string {
    return join(this.stateDir, 'windows', stateFileName([key.provider, key.account, key.window, ...(key.kind !== undefined ? [key.kind] : [])], '.json'));
  }

  #entriesOf(raw: unknown, path: string): Map<string, WindowEntry> {
    const entries = new Map<string, WindowEntry>();
    if (raw === undefined) return entries;
    const list = (raw as { entries?: unknown }).entries;
    if (!Array.isArray(list)) throw new WindowStateError(`state file ${path} has no entries list; fix or remove it`);
    for (const item of list) {
      const entry = parseWindowEntry(item, `state file ${path}`);
      entries.set(entry.campaignId, entry);
    }
    return entries;
  }

  /** Read, change and rewrite one window's entries under its file's lock. */
  #change<T>(key: WindowKey, apply: (entries: Map<string, WindowEntry>) => { result: T; changed: boolean }): Promise<T> {
    return this.#changeState(key, (state) => apply(state.entries));
  }

  /** Read, change and rewrite one window's file (entries and edges) under its lock. */
  async #changeState<T>(key: WindowKey, apply: (state: WindowState) => { result: T; changed: boolean }): Promise<T> {
    const path = this.windowPath(key);
    return withFileLock(
      `${path}.lock`,
      async () => {
        const state = await this.#read(key);
        const { result, changed } = apply(state);
        if (changed) await this.#write(key, path, state);
        return result;
      },
      this.#lock,
    );
  }

  async #write(key: WindowKey, path: string, { entries, edges }: WindowState): Promise<void> {
    const file: WindowFile = {
      version: 1,
      provider: key.provider,
      account: key.account,
      window: key.window,
      ...(key.kind !== undefined ? { kind: key.kind } : {}),
      entries: [...entries.values()],
      ...(Object.keys(edges).length > 0 ? { edges } : {}),
    };
    await writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`);
    await rm(this.#legacyPath(key), { force: true });
  }
}

export { FileWindowStore, STATE_DIR_DEFAULT };
export type { FileWindowStoreOptions };
