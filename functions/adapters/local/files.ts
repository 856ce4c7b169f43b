/**
 * File primitives for the local adapters: safe file names that cannot overflow, atomic writes, and a
 * lock that holds across processes (two CLI runs of the same window) and across async callers within one
 * process.
 */
import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { systemClock, type Clock } from '../../core/clock.js';
import { CampaignOpsError, ExitStatus } from '../../core/errors.js';

/** The lock could not be had in time. */
class FileLockTimeoutError extends CampaignOpsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, { code: 'FILE_LOCK_TIMEOUT', retryable: true, exitStatus: ExitStatus.failed }, options);
    this.name = 'FileLockTimeoutError';
  }
}

interface FileLockOptions {
  /** Give up waiting after this long; default 30 s. */
  readonly timeoutMs?: number;
  /**
   * A lock file older than this is a crashed holder's and is taken over; default 10 s.
   * Holders keep the lock for milliseconds (one read and one write).
   */
  readonly staleMs?: number;
  /** Times the wait and judges staleness; default the system clock. */
  readonly clock?: Clock;
}

/**
 * Characters of a state file's name before its extension. File systems allow 255 bytes per name; the
 * longest suffix added to a state file's name is ".json.lock.<pid>.<uuid>.stale" (about 60), so a name of
 * this length or less can never overflow, whatever the request named.
 */
const MAX_STEM_LENGTH = 150;
/** Hex digits of the SHA-256 digest that stands for a name too long to keep whole. */
const DIGEST_LENGTH = 32;

/** Text percent-encoded, dots included, so "..", "/" or ":" cannot escape the directory or collide. */
const encodeName = (text: string): string =>
  encodeURIComponent(text).replace(/[.!~*'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

/**
 * A state file's name from its parts (provider, account, window...): the encoded parts joined by dots,
 * readable when short; beyond MAX_STEM_LENGTH a readable head and a digest of the whole, so it always fits.
 */
const stateFileName = (parts: readonly string[], extension: string): string => {
  const stem = parts.map(encodeName).join('.');
  if (stem.length <= MAX_STEM_LENGTH) return `${stem}${extension}`;
  const digest = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, DIGEST_LENGTH);
  const head = stem.slice(0, MAX_STEM_LENGTH - DIGEST_LENGTH - 1).replace(/%[0-9A-F]?$/, '');
  return `${head}-${digest}${extension}`;
};

/** Writes through a temporary file and a rename, so a reader sees the old content or the new, never half. */
const writeFileAtomic = async (path: string, data: string, mode = 0o644): Promise<void> => {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
};

const errorCode = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';

/** Moves a stale lock file aside and deletes it; puts it back if another process had just replaced it. */
const breakStaleLock = async (lockPath: string, staleMs: number, now: number): Promise<void> => {
  let seen;
  try {
    seen = await stat(lockPath);
  } catch {
    return;
  }
  if (now - seen.mtimeMs < staleMs) return;
  const aside = `${lockPath}.${process.pid}.${randomUUID()}.stale`;
  try {
    await rename(lockPath, aside);
  } catch {
    return; // another process broke it first
  }
  const moved = await stat(aside);
  if (moved.ino !== seen.ino || moved.mtimeMs !== seen.mtimeMs) {
    // Between our look and the rename, someone broke the stale lock and took a fresh one: give it back.
    await link(aside, lockPath).catch(() => undefined);
  }
  await rm(aside, { force: true });
};

/** Takes the lock and returns the lock file's inode, so release can tell its own lock from a successor's. */
const acquireFileLock = async (lockPath: string, options: FileLockOptions): Promise<number> => {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const staleMs = options.staleMs ?? 10_000;
  const clock = options.clock ?? systemClock;
  const deadline = clock.now() + timeoutMs;
  await mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
  for (let attempt = 0; ; attempt += 1) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, at: new Date(clock.now()).toISOString() }));
        return (await handle.stat()).ino;
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    await breakStaleLock(lockPath, staleMs, clock.now());
    if (clock.now() >= deadline) {
      throw new FileLockTimeoutError(
        `lock ${lockPath} is still held after ${timeoutMs} ms (another run of the same window?)`,
      );
    }
    // Short, jittered backoff: holders keep the lock for a read and a write.
    await clock.sleep(Math.min(2 ** attempt, 50) * (0.5 + Math.random()));
  }
};

/** Deletes the lock file unless it is no longer ours (we overran staleMs and another process took over). */
const releaseFileLock = async (lockPath: string, inode: number): Promise<void> => {
  const current = await stat(lockPath).catch(() => undefined);
  if (current !== undefined && current.ino === inode) await rm(lockPath, { force: true });
};

/** Callers in this process wait their turn here, so only one of them at a time contends for the file lock. */
const turns = new Map<string, Promise<void>>();

/** Runs `task` holding the lock `lockPath`, against this process's other callers and other processes alike. */
const withFileLock = async <T>(lockPath: string, task: () => Promise<T>, options: FileLockOptions = {}): Promise<T> => {
  const previous = turns.get(lockPath) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => (done = resolve));
  const queued = previous.then(() => mine);
  turns.set(lockPath, queued);
  await previous;
  try {
    const inode = await acquireFileLock(lockPath, options);
    try {
      return await task();
    } finally {
      await releaseFileLock(lockPath, inode);
    }
  } finally {
    done();
    if (turns.get(lockPath) === queued) turns.delete(lockPath);
  }
};

export { FileLockTimeoutError, stateFileName, writeFileAtomic, withFileLock };
export type { FileLockOptions };
