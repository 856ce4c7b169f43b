/**
 * One run per vendor account at a time, so the account-wide limits hold across Lambdas, hosts and
 * processes: a short lease, kept alive by a heartbeat while the run lives, so a killed run blocks its
 * account for one lease time at most.
 */
import { systemClock, type Clock } from './clock.js';
import { CampaignOpsError, ExitStatus, describeError } from './errors.js';
import { silentLog, type AccountLease, type Log } from './ports.js';
import { accountOf } from './secret-names.js';

/** Another run holds the account: the caller may retry later (Lambda's async retry does). */
class AccountBusyError extends CampaignOpsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, { code: 'ACCOUNT_BUSY', retryable: true, exitStatus: ExitStatus.failed }, options);
    this.name = 'AccountBusyError';
  }
}

interface HoldOptions {
  /** Lease time without renewal; renewed every third of it. */
  readonly ttlMs?: number;
  /** How long to wait for another run of the account to finish before giving up. */
  readonly waitMs?: number;
  readonly log?: Log;
  /** Times the wait and the heartbeat; default the system clock. */
  readonly clock?: Clock;
}

const DEFAULT_TTL_MS = 60_000;
const DEFAULT_WAIT_MS = 120_000;

/** Waits for the account's lease and returns the function that gives it back. */
const holdAccount = async (
  lease: AccountLease,
  given: { provider: string; account: string },
  holder: string,
  options: HoldOptions = {},
): Promise<() => Promise<void>> => {
  // One lease per account, whether the caller named its secret by name or by ARN.
  const scope = { provider: given.provider, account: accountOf(given.account) };
  const ttl = options.ttlMs ?? DEFAULT_TTL_MS;
  const log = options.log ?? silentLog;
  const clock = options.clock ?? systemClock;
  const deadline = clock.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
  for (let attempt = 1; ; attempt += 1) {
    if (await lease.acquire(scope, holder, ttl)) break;
    if (clock.now() >= deadline) {
      throw new AccountBusyError(`another run holds ${scope.provider} account ${scope.account}; try again when it has finished`);
    }
    if (attempt === 1) log.info('waiting for another run of this account to finish', { account: scope.account });
    await clock.sleep(Math.min(2_000, 100 * attempt));
  }
  const stop = new AbortController();
  const heartbeat = keepRenewing(lease, scope, holder, ttl, clock, stop.signal, log);
  return async () => {
    stop.abort();
    await heartbeat;
    await lease.release(scope, holder).catch((error: unknown) => log.warn('could not release the account lease', { error: describeError(error) }));
  };
};

/** Renews the lease every third of its time until `signal` fires; a renewal in progress is finished first. */
const keepRenewing = async (
  lease: AccountLease,
  scope: { provider: string; account: string },
  holder: string,
  ttl: number,
  clock: Clock,
  signal: AbortSignal,
  log: Log,
): Promise<void> => {
  const every = Math.max(50, Math.floor(ttl / 3));
  for (;;) {
    try {
      await clock.sleep(every, signal);
    } catch {
      return; // released
    }
    try {
      const kept = await lease.acquire(scope, holder, ttl);
      if (!kept) log.warn('the account lease was taken over by another run', { account: scope.account });
    } catch (error) {
      log.warn('could not renew the account lease', { error: describeError(error) });
    }
  }
};

export { holdAccount, AccountBusyError };
export type { HoldOptions };
