/**
 * The behaviour every WindowStore + AccountLease owes the engine, run against each implementation
 * (memory, files, DynamoDB on moto). Register it from a test file with a factory for a fresh store.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AccountLease, PauseIntent, WindowKey, WindowStore } from '../../functions/core/ports.js';
import type { CampaignStatus } from '../../functions/core/campaign.js';

type ContractStore = WindowStore & AccountLease;

/** Builds a fresh store whose leases read the given clock (epoch milliseconds). */
type StoreFactory = (now: () => number) => ContractStore | Promise<ContractStore>;

const windowStoreContract = (implementation: string, makeStore: StoreFactory): void => {
  describe(`Contract: ${implementation} as WindowStore and AccountLease`, () => {
    let clockMs = Date.now();
    const now = (): number => clockMs;
    const at = (): string => new Date(clockMs).toISOString();
    let store: ContractStore;
    let key: WindowKey;

    const intent = (campaignId: string, runId: string, before: CampaignStatus = 'running'): PauseIntent => ({
      campaignId,
      name: `Campaign ${campaignId}`,
      before,
      beforeVendorStatus: before === 'running' ? 'ACTIVE' : 'PAUSED',
      runId,
      at: at(),
    });

    beforeEach(async () => {
      clockMs = Date.now();
      store = await makeStore(now);
      // A window and account of its own per test, so stores sharing a table or directory do not meet.
      key = { provider: 'ocamba', account: `campaign-ops/hood-${randomUUID()}`, window: 'nightly' };
    });

    it('records an intent as a pausing entry and lists it whole', async () => {
      // Prepare
      const first = intent('1000248', 'run-1');

      // Act
      const stored = await store.beginPause(key, first);
      const listed = await store.list(key);

      // Assess
      const expected = {
        campaignId: '1000248',
        name: 'Campaign 1000248',
        before: 'running',
        beforeVendorStatus: 'ACTIVE',
        state: 'pausing',
        runId: 'run-1',
        updatedAt: first.at,
      };
      expect(stored).toEqual(expected);
      expect(listed).toEqual([expected]);
    });

    it("keeps the first run's before when a second run finds the entry open", async () => {
      // Prepare
      await store.beginPause(key, intent('7', 'run-1', 'running'));

      // Act
      const whilePausing = await store.beginPause(key, intent('7', 'run-2', 'paused'));
      await store.confirmPaused(key, '7', at());
      const whilePaused = await store.beginPause(key, intent('7', 'run-3', 'paused'));

      // Assess
      expect(whilePausing).toMatchObject({ runId: 'run-1', before: 'running', state: 'pausing' });
      expect(whilePaused).toMatchObject({ runId: 'run-1', before: 'running', state: 'paused' });
      expect(await store.list(key)).toEqual([expect.objectContaining({ runId: 'run-1', before: 'running', state: 'paused' })]);
    });

    it('replaces a resumed entry when a new cycle pauses the campaign again', async () => {
      // Prepare
      await store.beginPause(key, intent('7', 'night-1', 'running'));
      await store.confirmPaused(key, '7', at());
      await store.markResumed(key, '7', at());
      expect(await store.list(key)).toEqual([expect.objectContaining({ state: 'resumed', runId: 'night-1' })]);

      // Act
      const next = await store.beginPause(key, intent('7', 'night-2', 'scheduled'));

      // Assess
      expect(next).toMatchObject({ runId: 'night-2', before: 'scheduled', state: 'pausing' });
      expect(await store.list(key)).toEqual([expect.objectContaining({ runId: 'night-2', state: 'pausing' })]);
    });

    it('forgets an entry only while it is pausing', async () => {
      // Prepare
      await store.beginPause(key, intent('pausing', 'run-1'));
      await store.beginPause(key, intent('paused', 'run-1'));
      await store.confirmPaused(key, 'paused', at());
      await store.beginPause(key, intent('resumed', 'run-1'));
      await store.markResumed(key, 'resumed', at());

      // Act
      for (const id of ['pausing', 'paused', 'resumed', 'never-seen']) await store.forget(key, id);

      // Assess
      const states = Object.fromEntries((await store.list(key)).map((entry) => [entry.campaignId, entry.state]));
      expect(states).toEqual({ paused: 'paused', resumed: 'resumed' });
    });

    it('confirms a pausing or paused entry and refuses one that is gone or resumed', async () => {
      // Prepare
      await store.beginPause(key, intent('open', 'run-1'));
      await store.beginPause(key, intent('given-back', 'run-1'));
      await store.markResumed(key, 'given-back', at());
      const later = new Date(clockMs + 1_000).toISOString();

      // Act
      await store.confirmPaused(key, 'open', later);
      await store.confirmPaused(key, 'open', later);

      // Assess
      expect(await store.list(key)).toContainEqual(expect.objectContaining({ campaignId: 'open', state: 'paused', updatedAt: later }));
      await expect(store.confirmPaused(key, 'missing', later)).rejects.toThrow(/no open entry for campaign missing/);
      await expect(store.confirmPaused(key, 'given-back', later)).rejects.toThrow(/no open entry for campaign given-back/);
      expect(await store.list(key)).toHaveLength(2);
    });

    it('marks an entry resumed and creates none for a campaign it never paused', async () => {
      // Prepare
      await store.beginPause(key, intent('7', 'run-1'));

      // Act
      await store.markResumed(key, '7', at());
      await store.markResumed(key, 'unknown', at());

      // Assess
      expect(await store.list(key)).toEqual([expect.objectContaining({ campaignId: '7', state: 'resumed' })]);
    });

    it('keeps windows and accounts apart', async () => {
      // Prepare
      const otherWindow = { ...key, window: 'weekend' };
      const otherAccount = { ...key, account: `${key.account}-b` };

      // Act
      await store.beginPause(key, intent('7', 'run-1'));
      await store.beginPause(otherWindow, intent('7', 'run-2'));

      // Assess
      expect(await store.list(key)).toEqual([expect.objectContaining({ runId: 'run-1' })]);
      expect(await store.list(otherWindow)).toEqual([expect.objectContaining({ runId: 'run-2' })]);
      expect(await store.list(otherAccount)).toEqual([]);
    });

    it('lists every window and kind of an account in one read, and nothing of another account', async () => {
      // Prepare
      const freeze = { ...key, window: 'freeze' };
      const nightlyDecisionPoint = { ...key, kind: 'decision-point' };
      const prefixed = { ...key, window: 'nightly2' };
      await store.beginPause(key, intent('7', 'run-1'));
      await store.beginPause(nightlyDecisionPoint, intent('7', 'run-1', 'scheduled'));
      await store.beginPause(freeze, { ...intent('7', 'run-2', 'running'), heldWith: 'nightly' });
      await store.beginPause(prefixed, intent('8', 'run-3'));
      await store.beginPause({ ...key, account: `${key.account}-b` }, intent('9', 'run-4'));

      // Act
      const listed = await store.listAccount({ provider: key.provider, account: key.account });

      // Assess
      const seen = listed.map(({ window, kind, entry }) => [window, kind ?? '-', entry.campaignId, entry.before, entry.heldWith ?? '-']).sort();
      expect(seen).toEqual([
        ['freeze', '-', '7', 'running', 'nightly'],
        ['nightly', '-', '7', 'running', '-'],
        ['nightly', 'decision-point', '7', 'scheduled', '-'],
        ['nightly2', '-', '8', 'running', '-'],
      ]);
      // One window's own listing stays its own: neither "nightly2" nor the decision-point entries.
      expect((await store.list(key)).map((entry) => entry.campaignId)).toEqual(['7']);
      expect(await store.listAccount({ provider: key.provider, account: `${key.account}-none` })).toEqual([]);
    });

    it('keeps the window an entry joined, and the reason another window closed it', async () => {
      // Prepare
      const freeze = { ...key, window: 'freeze' };
      await store.beginPause(freeze, { ...intent('7', 'run-2', 'scheduled'), heldWith: 'nightly' });
      await store.confirmPaused(freeze, '7', at());

      // Act
      await store.markResumed(freeze, '7', at(), 'resumed by window nightly with scope "selection"');

      // Assess
      expect(await store.list(freeze)).toEqual([
        expect.objectContaining({ state: 'resumed', before: 'scheduled', heldWith: 'nightly', closedReason: 'resumed by window nightly with scope "selection"' }),
      ]);
    });

    it('gives 20 concurrent runs pausing the same campaign one entry, the same for all', async () => {
      // Prepare
      const runs = Array.from({ length: 20 }, (_, i) => intent('7', `run-${i}`, i % 2 === 0 ? 'running' : 'scheduled'));

      // Act
      const results = await Promise.all(runs.map((run) => store.beginPause(key, run)));

      // Assess
      const listed = await store.list(key);
      expect(listed).toHaveLength(1);
      for (const result of results) expect(result).toEqual(listed[0]);
    });

    it('loses no entry when 20 runs pause different campaigns at once', async () => {
      // Prepare
      const ids = Array.from({ length: 20 }, (_, i) => `c-${i}`);

      // Act
      await Promise.all(ids.map((id) => store.beginPause(key, intent(id, `run-${id}`))));

      // Assess
      const listed = await store.list(key);
      expect(listed.map((entry) => entry.campaignId).sort()).toEqual([...ids].sort());
      for (const entry of listed) expect(entry.runId).toBe(`run-${entry.campaignId}`);
    });

    it('neither loses nor doubles entries when two runs pause overlapping campaigns at once', async () => {
      // Prepare
      const ids = Array.from({ length: 10 }, (_, i) => `c-${i}`);
      const calls = ids.flatMap((id) => [intent(id, 'run-a'), intent(id, 'run-b')]);

      // Act
      const results = await Promise.all(calls.map((call) => store.beginPause(key, call)));

      // Assess
      const listed = new Map((await store.list(key)).map((entry) => [entry.campaignId, entry]));
      expect([...listed.keys()].sort()).toEqual([...ids].sort());
      for (const result of results) expect(result).toEqual(listed.get(result.campaignId));
    });

    it('grants the lease to one holder at a time, again to the same holder', async () => {
      // Prepare
      const scope = { provider: key.provider, account: key.account };

      // Act
      const first = await store.acquire(scope, 'run-a', 60_000);
      const rival = await store.acquire(scope, 'run-b', 60_000);
      const again = await store.acquire(scope, 'run-a', 60_000);
      await store.release(scope, 'run-b');
      const rivalAfterOwnRelease = await store.acquire(scope, 'run-b', 60_000);
      await store.release(scope, 'run-a');
      const rivalAfterRelease = await store.acquire(scope, 'run-b', 60_000);

      // Assess
      expect({ first, rival, again, rivalAfterOwnRelease, rivalAfterRelease }).toEqual({
        first: true,
        rival: false,
        again: true,
        rivalAfterOwnRelease: false,
        rivalAfterRelease: true,
      });
    });

    it('lets a lease be taken over once it has expired, and not before', async () => {
      // Prepare
      const scope = { provider: key.provider, account: key.account };
      await store.acquire(scope, 'crashed-run', 1_000);

      // Act
      clockMs += 999;
      const early = await store.acquire(scope, 'run-b', 60_000);
      clockMs += 2;
      const late = await store.acquire(scope, 'run-b', 60_000);
      await store.release(scope, 'crashed-run');
      const crashedRunBack = await store.acquire(scope, 'crashed-run', 1_000);

      // Assess
      expect({ early, late, crashedRunBack }).toEqual({ early: false, late: true, crashedRunBack: false });
    });

    it('records the last run of each edge per window key, and a later intended time is never overwritten by an earlier one', async () => {
      // Prepare
      const decisionPoint = { ...key, kind: 'decision-point' };
      const freeze = { ...key, window: 'freeze' };
      const tonight = { at: '2026-12-01T22:00:00.000Z', runId: 'pause-tonight', ranAt: '2026-12-01T22:00:03.000Z' };

      // Act
      const before = await store.edges(key);
      await store.recordEdge(key, 'pause', tonight);
      await store.recordEdge(key, 'pause', { at: '2026-11-30T22:00:00.000Z', runId: 'pause-yesterday', ranAt: '2026-12-01T22:10:00.000Z' });
      await store.recordEdge(key, 'resume', { at: '2026-12-02T06:00:00.000Z', runId: 'resume-1', ranAt: '2026-12-02T06:00:02.000Z' });
      await store.recordEdge(key, 'resume', { at: '2026-12-02T06:00:00.000Z', runId: 'resume-retry', ranAt: '2026-12-02T06:01:00.000Z' });
      await store.beginPause(key, intent('7', 'pause-tonight'));

      // Assess
      expect(before).toEqual({});
      expect(await store.edges(key)).toEqual({
        pause: tonight,
        resume: { at: '2026-12-02T06:00:00.000Z', runId: 'resume-retry', ranAt: '2026-12-02T06:01:00.000Z' },
      });
      expect(await store.edges(decisionPoint)).toEqual({});
      expect(await store.edges(freeze)).toEqual({});
      // Beside the entries, never among them.
      expect((await store.list(key)).map((entry) => entry.campaignId)).toEqual(['7']);
      expect((await store.listAccount({ provider: key.provider, account: key.account })).map(({ entry }) => entry.campaignId)).toEqual(['7']);
    });

    it('keeps the latest of 10 edge runs recorded at once, whatever their order', async () => {
      // Prepare
      const runs = Array.from({ length: 10 }, (_, i) => ({ at: `2026-12-01T22:0${i}:00.000Z`, runId: `pause-${i}`, ranAt: '2026-12-01T22:10:00.000Z' })).reverse();

      // Act
      await Promise.all(runs.map((run) => store.recordEdge(key, 'pause', run)));

      // Assess
      expect((await store.edges(key)).pause).toMatchObject({ runId: 'pause-9' });
    });

    it('gives one lease to one of 10 holders asking at once, per account', async () => {
      // Prepare
      const scope = { provider: key.provider, account: key.account };
      const otherScope = { provider: key.provider, account: `${key.account}-b` };

      // Act
      const granted = await Promise.all(Array.from({ length: 10 }, (_, i) => store.acquire(scope, `run-${i}`, 60_000)));
      const other = await store.acquire(otherScope, 'run-x', 60_000);

      // Assess
      expect(granted.filter(Boolean)).toHaveLength(1);
      expect(other).toBe(true);
    });
  });
};

export { windowStoreContract };
export type { ContractStore, StoreFactory };
