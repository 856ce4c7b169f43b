import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileWindowStore } from '../../functions/adapters/local/file-window-store.js';
import { MemoryWindowStore } from '../../functions/adapters/local/memory.js';
import { AccountBusyError, holdAccount } from '../../functions/core/account-lease.js';
import { ManualClock } from '../support/clock.js';

const SCOPE = { provider: 'ocamba', account: 'campaign-ops/hood' };
const TTL_MS = 6_000;

describe('Function: holdAccount', () => {
  let clock: ManualClock;
  let stateDir: string;

  beforeEach(async () => {
    clock = new ManualClock();
    stateDir = await mkdtemp(join(tmpdir(), 'campaign-ops-lease-'));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it('a killed run blocks its account for one lease time at most: the next run waits it out, then runs', async () => {
    // Prepare: a run took the lease in the state files and was killed, so never gives it back.
    const store = new FileWindowStore({ stateDir, clock });
    const killedAt = clock.now();
    await store.acquire(SCOPE, 'killed-run', TTL_MS);
    const started = Date.now();

    // Act
    const release = await clock.run(holdAccount(store, SCOPE, 'rerun', { ttlMs: TTL_MS, waitMs: 120_000, clock }));

    // Assess: it ran once the lease had run out, within one wait step (2 s at most) of that, with no real wait.
    expect(clock.now() - killedAt).toBeGreaterThanOrEqual(TTL_MS);
    expect(clock.now() - killedAt).toBeLessThanOrEqual(TTL_MS + 2_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await store.acquire(SCOPE, 'third-run', TTL_MS)).toBe(false);
    await release();
    expect(await store.acquire(SCOPE, 'third-run', TTL_MS)).toBe(true);
  });

  it('gives up with a retryable AccountBusyError after waitMs while another run keeps renewing', async () => {
    // Prepare: the other run renews far ahead, so its lease never runs out during the wait.
    const store = new MemoryWindowStore({ now: () => clock.now() });
    await store.acquire(SCOPE, 'other-run', 10 * 60_000);
    const started = clock.now();

    // Act
    const attempt = clock.run(holdAccount(store, SCOPE, 'this-run', { ttlMs: TTL_MS, waitMs: 120_000, clock }));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(AccountBusyError);
    await expect(attempt).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('campaign-ops/hood') });
    expect(clock.now() - started).toBeGreaterThanOrEqual(120_000);
    expect(clock.now() - started).toBeLessThanOrEqual(122_000);
  });

  it('renews the lease every third of its time while the run lives, so it never runs out under it', async () => {
    // Prepare
    const store = new MemoryWindowStore({ now: () => clock.now() });
    const acquire = vi.spyOn(store, 'acquire');
    const renewals = () => acquire.mock.calls.filter(([, holder]) => holder === 'this-run');
    const release = await holdAccount(store, SCOPE, 'this-run', { ttlMs: TTL_MS, clock });

    // Act: a run of ten lease times.
    for (let i = 0; i < 30; i += 1) {
      await clock.whenSleeping();
      clock.advance(TTL_MS / 3);
      await vi.waitFor(() => expect(renewals()).toHaveLength(i + 2), { interval: 1 });
      // Assess (as it runs): another run still cannot take the account.
      expect(await store.acquire(SCOPE, 'other-run', TTL_MS)).toBe(false);
    }
    await release();

    // Assess: the renewals were the heartbeat's, all for this run and this lease time.
    expect(renewals()).toHaveLength(31);
    expect(renewals().every(([, , ttl]) => ttl === TTL_MS)).toBe(true);
  });

  it('stops renewing once released, and gives the account back at once', async () => {
    // Prepare
    const store = new MemoryWindowStore({ now: () => clock.now() });
    const release = await holdAccount(store, SCOPE, 'this-run', { ttlMs: TTL_MS, clock });
    const acquire = vi.spyOn(store, 'acquire');

    // Act
    await release();
    clock.advance(10 * TTL_MS);

    // Assess
    expect(clock.sleeping).toBe(0);
    expect(acquire).not.toHaveBeenCalled();
    expect(await store.acquire(SCOPE, 'other-run', TTL_MS)).toBe(true);
  });

  it('logs a renewal that finds the lease taken over, and one that fails, and keeps going', async () => {
    // Prepare
    const store = new MemoryWindowStore({ now: () => clock.now() });
    const warnings: string[] = [];
    const log = { debug: () => {}, info: () => {}, error: () => {}, warn: (message: string) => void warnings.push(message) };
    const release = await holdAccount(store, SCOPE, 'this-run', { ttlMs: TTL_MS, clock, log });
    const acquire = vi.spyOn(store, 'acquire').mockResolvedValueOnce(false).mockRejectedValueOnce(new Error('table unavailable'));

    // Act
    for (let i = 0; i < 3; i += 1) {
      await clock.whenSleeping();
      clock.advance(TTL_MS / 3);
      await vi.waitFor(() => expect(acquire).toHaveBeenCalledTimes(i + 1), { interval: 1 });
    }
    await release();

    // Assess
    expect(warnings).toEqual(['the account lease was taken over by another run', 'could not renew the account lease']);
  });
});
