import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryWindowStore } from '../../functions/adapters/local/memory.js';
import type { Campaign, CampaignProvider, CampaignStatus, Environment } from '../../functions/core/campaign.js';
import { InvalidRequestError, TransportError, VendorError } from '../../functions/core/errors.js';
import type { PauseIntent, Telemetry, WindowEntry, WindowKey } from '../../functions/core/ports.js';
import { parseWindowRequest } from '../../functions/core/request.js';
import type { CampaignOutcome, WindowResult } from '../../functions/core/result.js';
import { AccountBusyError, runWindow, type WindowRunDeps } from '../../functions/core/window-run.js';
import { VENDORS } from '../../functions/providers/index.js';
import { ManualClock } from '../support/clock.js';

const campaign = (id: string, status: CampaignStatus, extra: Partial<Campaign> = {}): Campaign => ({
  id,
  name: `Campaign ${id}`,
  status,
  vendorStatus: status.toUpperCase(),
  labels: [],
  ...extra,
});

const vendorError = (status: number, message: string): VendorError =>
  new VendorError({ vendor: 'fake', operation: 'call', status, body: { message }, retryable: status === 429 || status >= 500 });

interface Failure {
  readonly error: Error;
  /** What the campaign's status is after the failed call (e.g. paused by someone else meanwhile). */
  readonly statusAfter?: CampaignStatus;
}

/** An in-memory vendor account: records every call and fails where told. */
class FakeProvider implements CampaignProvider {
  readonly name: string;
  readonly campaigns = new Map<string, Campaign>();
  readonly calls: string[] = [];
  readonly reasons: (string | undefined)[] = [];
  /** Ids the listing leaves out (reachable only by getCampaign). */
  readonly unlisted = new Set<string>();
  readonly pauseFailures = new Map<string, Failure>();
  readonly resumeFailures = new Map<string, Failure>();
  readonly getFailures = new Map<string, Error>();
  /** Runs inside pause, before the vendor "acts": lets a test look at the store at that moment. */
  onPause: ((campaign: Campaign) => Promise<void>) | undefined;
  listEnvironments?: () => Promise<Environment[]>;

  constructor(name: string, campaigns: readonly Campaign[], environments?: readonly Environment[]) {
    this.name = name;
    for (const c of campaigns) this.campaigns.set(c.id, c);
    if (environments) {
      this.listEnvironments = async () => {
        this.calls.push('environments');
        return [...environments];
      };
    }
  }

  async *listCampaigns(): AsyncIterable<Campaign> {
    this.calls.push('list');
    for (const c of this.campaigns.values()) if (!this.unlisted.has(c.id)) yield c;
  }

  async getCampaign(id: string): Promise<Campaign> {
    this.calls.push(`get ${id}`);
    const failure = this.getFailures.get(id);
    if (failure) throw failure;
    const found = this.campaigns.get(id);
    if (!found) throw vendorError(404, `campaign ${id} not found`);
    return found;
  }

  async pause(c: Campaign, reason: string | undefined): Promise<void> {
    this.calls.push(`pause ${c.id}`);
    this.reasons.push(reason);
    await this.onPause?.(c);
    this.#act(c.id, this.pauseFailures.get(c.id), 'paused');
  }

  async resume(c: Campaign): Promise<void> {
    this.calls.push(`resume ${c.id}`);
    this.#act(c.id, this.resumeFailures.get(c.id), 'running');
  }

  vendorCalls(): string[] {
    return this.calls.filter((call) => call.startsWith('pause ') || call.startsWith('resume '));
  }

  #act(id: string, failure: Failure | undefined, status: CampaignStatus): void {
    const current = this.campaigns.get(id)!;
    if (failure) {
      if (failure.statusAfter) this.campaigns.set(id, { ...current, status: failure.statusAfter, vendorStatus: failure.statusAfter.toUpperCase() });
      throw failure.error;
    }
    this.campaigns.set(id, { ...current, status, vendorStatus: status.toUpperCase() });
  }
}

const OCAMBA = { provider: 'ocamba', secret: 'campaign-ops/hood', window: 'nightly' } as const;
const KEY: WindowKey = { provider: 'ocamba', account: 'campaign-ops/hood', window: 'nightly' };
const DELTADNA_KEY: WindowKey = { provider: 'deltadna', account: 'campaign-ops/deltaslot-live', window: 'nightly' };

const pauseRequest = (extra: Record<string, unknown> = {}) => parseWindowRequest({ ...OCAMBA, ...extra }, 'pause', VENDORS);
const resumeRequest = (extra: Record<string, unknown> = {}) => parseWindowRequest({ ...OCAMBA, ...extra }, 'resume', VENDORS);

const outcomeOf = (result: WindowResult, id: string): CampaignOutcome => {
  const found = result.campaigns.find((c) => c.id === id);
  if (!found) throw new Error(`campaign ${id} is not in the result`);
  return found;
};

const entryOf = async (store: MemoryWindowStore, id: string, key: WindowKey = KEY): Promise<WindowEntry | undefined> =>
  (await store.list(key)).find((e) => e.campaignId === id);

const intent = (campaignId: string, runId: string, before: CampaignStatus = 'running'): PauseIntent => ({
  campaignId,
  name: `Campaign ${campaignId}`,
  before,
  beforeVendorStatus: before.toUpperCase(),
  runId,
  at: '2026-12-28T21:00:00.000Z',
});

let store: MemoryWindowStore;
const NOW = new Date('2026-12-28T22:00:00.000Z');
const deps = (provider: CampaignProvider, extra: Partial<WindowRunDeps> = {}): WindowRunDeps => ({
  provider,
  store,
  runId: 'run-1',
  now: () => NOW,
  ...extra,
});

beforeEach(() => {
  store = new MemoryWindowStore();
});

describe('Function: runWindow', () => {
  describe('pause', () => {
    it('pauses running and scheduled campaigns, passes the reason, and accounts for every campaign', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running'), campaign('2', 'scheduled'), campaign('3', 'draft'), campaign('4', 'paused')]);

      // Act
      const result = await runWindow(pauseRequest({ reason: 'Overnight maintenance' }), deps(provider));

      // Assess
      expect(result).toMatchObject({
        action: 'pause',
        provider: 'ocamba',
        secret: 'campaign-ops/hood',
        window: 'nightly',
        dryRun: false,
        runId: 'run-1',
        startedAt: NOW.toISOString(),
        finishedAt: NOW.toISOString(),
        summary: { selected: 4, planned: 0, changed: 2, unchanged: 2, rejected: 0, failed: 0 },
      });
      expect(result).not.toHaveProperty('scope');
      expect(outcomeOf(result, '1')).toEqual({
        id: '1',
        name: 'Campaign 1',
        before: 'running',
        after: 'paused',
        vendorStatus: 'RUNNING',
        outcome: 'changed',
        detail: 'running: paused for window nightly',
      });
      expect(outcomeOf(result, '2')).toMatchObject({ before: 'scheduled', after: 'paused', outcome: 'changed' });
      expect(outcomeOf(result, '3')).toMatchObject({ after: 'draft', outcome: 'unchanged', detail: expect.stringContaining('draft') });
      expect(outcomeOf(result, '4')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('before window nightly') });
      expect(provider.vendorCalls().sort()).toEqual(['pause 1', 'pause 2']);
      expect(provider.reasons).toEqual(['Overnight maintenance', 'Overnight maintenance']);
    });

    it('writes the window entry before the vendor call and confirms it after', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'scheduled')]);
      const seenDuringPause: (WindowEntry | undefined)[] = [];
      provider.onPause = async (c) => {
        seenDuringPause.push(await entryOf(store, c.id));
      };

      // Act
      await runWindow(pauseRequest(), deps(provider));

      // Assess
      expect(seenDuringPause).toEqual([
        {
          campaignId: '1',
          name: 'Campaign 1',
          before: 'scheduled',
          beforeVendorStatus: 'SCHEDULED',
          state: 'pausing',
          runId: 'run-1',
          updatedAt: NOW.toISOString(),
        },
      ]);
      expect(await entryOf(store, '1')).toMatchObject({ state: 'paused', before: 'scheduled', runId: 'run-1' });
    });

    it('leaves protected campaigns alone: opted out by name or label, or excluded', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [
        campaign('1', 'running', { name: 'Promo [No-Pause]' }),
        campaign('2', 'running', { labels: ['campaign-ops:skip'] }),
        campaign('3', 'running'),
        campaign('4', 'running'),
      ]);

      // Act
      const result = await runWindow(pauseRequest({ select: { exclude: ['3'] } }), deps(provider));

      // Assess
      expect(outcomeOf(result, '1')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('[no-pause]') });
      expect(outcomeOf(result, '2')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('campaign-ops:skip') });
      expect(outcomeOf(result, '3')).toMatchObject({ outcome: 'unchanged', detail: 'excluded by select.exclude' });
      expect(provider.vendorCalls()).toEqual(['pause 4']);
      expect((await store.list(KEY)).map((e) => e.campaignId)).toEqual(['4']);
    });

    it('reports only the selected campaigns', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [
        campaign('1', 'running', { labels: ['night-off'], name: 'Promo one' }),
        campaign('2', 'running', { labels: ['night-off'], name: 'Sale' }),
        campaign('3', 'running', { name: 'Promo three' }),
      ]);

      // Act
      const result = await runWindow(pauseRequest({ select: { labels: ['night-off'], names: ['promo*'] } }), deps(provider));

      // Assess
      expect(result.campaigns.map((c) => c.id)).toEqual(['1']);
      expect(provider.vendorCalls()).toEqual(['pause 1']);
    });

    it('counts a campaign in an unknown vendor status as failed and does not touch it', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'unknown', { vendorStatus: 'ARCHIVING' })]);

      // Act
      const result = await runWindow(pauseRequest(), deps(provider));

      // Assess
      expect(outcomeOf(result, '1')).toMatchObject({ outcome: 'failed', detail: expect.stringContaining('ARCHIVING') });
      expect(provider.vendorCalls()).toEqual([]);
    });

    it('forgets the entry when the vendor refuses the pause, and reports its message', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);
      provider.pauseFailures.set('1', { error: vendorError(400, 'campaign is archived') });

      // Act
      const result = await runWindow(pauseRequest(), deps(provider));

      // Assess
      expect(outcomeOf(result, '1')).toMatchObject({
        before: 'running',
        after: 'running',
        outcome: 'rejected',
        detail: 'pause refused: campaign is archived (HTTP 400)',
      });
      expect(provider.calls).toContain('get 1');
      expect(await store.list(KEY)).toEqual([]);
    });

    it('counts a pause that failed for a passing reason as failed, and keeps the intent: a 5xx pause may still land', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);
      provider.pauseFailures.set('1', { error: vendorError(503, 'try later') });

      // Act
      const result = await runWindow(pauseRequest(), deps(provider));
      provider.pauseFailures.clear();
      const rerun = await runWindow(pauseRequest(), deps(provider, { runId: 'run-2' }));

      // Assess
      expect(outcomeOf(result, '1')).toMatchObject({ outcome: 'failed', detail: 'pause refused: try later (HTTP 503)' });
      expect(outcomeOf(rerun, '1')).toMatchObject({ outcome: 'changed' });
      expect(await entryOf(store, '1')).toMatchObject({ state: 'paused', before: 'running', runId: 'run-1' });
    });

    it('keeps the pausing entry when the campaign cannot be read again: the pause may have happened', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);
      provider.pauseFailures.set('1', { error: new TransportError({ vendor: 'fake', operation: 'pause', timedOut: true, reason: 'no answer' }) });
      provider.getFailures.set('1', new TransportError({ vendor: 'fake', operation: 'get', timedOut: false, reason: 'ECONNRESET' }));

      // Act
      const result = await runWindow(pauseRequest(), deps(provider));

      // Assess
      expect(outcomeOf(result, '1')).toMatchObject({ outcome: 'failed', detail: expect.stringContaining('pause failed: fake pause timed out') });
      expect(await entryOf(store, '1')).toMatchObject({ state: 'pausing' });
    });

    it('counts a refused pause as changed when the re-read shows this run paused it after all', async () => {
      // Prepare: the call timed out, yet the vendor carried it out.
      const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);
      provider.pauseFailures.set('1', {
        error: new TransportError({ vendor: 'fake', operation: 'pause', timedOut: true, reason: 'no answer' }),
        statusAfter: 'paused',
      });

      // Act
      const result = await runWindow(pauseRequest(), deps(provider));

      // Assess
      expect(outcomeOf(result, '1')).toMatchObject({ before: 'running', after: 'paused', outcome: 'changed' });
      expect(await entryOf(store, '1')).toMatchObject({ state: 'paused', runId: 'run-1' });
    });

    it('counts a refused pause as unchanged when a concurrent run of the window paused it', async () => {
      // Prepare: another run recorded its intent and paused the campaign while this run was deciding.
      const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);
      await store.beginPause(KEY, intent('1', 'run-other'));
      provider.pauseFailures.set('1', { error: vendorError(409, 'campaign is already paused'), statusAfter: 'paused' });

      // Act
      const result = await runWindow(pauseRequest(), deps(provider));

      // Assess
      expect(outcomeOf(result, '1')).toMatchObject({
        after: 'paused',
        outcome: 'unchanged',
        detail: 'paused by a concurrent run of window nightly',
      });
      expect(await entryOf(store, '1')).toMatchObject({ state: 'paused', runId: 'run-other', before: 'running' });
    });

    it('confirms a pausing entry left by an earlier run when the campaign is found paused', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'paused')]);
      await store.beginPause(KEY, intent('1', 'run-crashed'));

      // Act
      const result = await runWindow(pauseRequest(), deps(provider));

      // Assess
      expect(outcomeOf(result, '1')).toMatchObject({ outcome: 'unchanged', detail: 'already paused by window nightly' });
      expect(await entryOf(store, '1')).toMatchObject({ state: 'paused', runId: 'run-crashed' });
      expect(provider.vendorCalls()).toEqual([]);
    });

    it('makes only the campaign whose store write fails `failed`', async () => {
      // Prepare
      class FlakyStore extends MemoryWindowStore {
        override async beginPause(key: WindowKey, pauseIntent: PauseIntent): Promise<WindowEntry> {
          if (pauseIntent.campaignId === '2') throw new Error('window store unavailable');
          return super.beginPause(key, pauseIntent);
        }
      }
      store = new FlakyStore();
      const provider = new FakeProvider('ocamba', [campaign('1', 'running'), campaign('2', 'running'), campaign('3', 'running')]);

      // Act
      const result = await runWindow(pauseRequest(), deps(provider));

      // Assess
      expect(outcomeOf(result, '2')).toMatchObject({ before: 'running', after: 'running', outcome: 'failed', detail: 'window store unavailable' });
      expect(result.summary).toMatchObject({ selected: 3, changed: 2, failed: 1 });
      expect(provider.vendorCalls().sort()).toEqual(['pause 1', 'pause 3']);
    });
  });

  describe('named campaigns', () => {
    it('reads a named id the listing did not show and acts on what the vendor says now', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running'), campaign('2', 'running')]);
      provider.unlisted.add('2');

      // Act
      const result = await runWindow(pauseRequest({ select: { ids: ['1', '2'] } }), deps(provider));

      // Assess
      expect(provider.calls).toContain('get 2');
      expect(provider.calls).not.toContain('get 1');
      expect(outcomeOf(result, '2')).toMatchObject({ name: 'Campaign 2', before: 'running', after: 'paused', outcome: 'changed' });
      expect(provider.vendorCalls().sort()).toEqual(['pause 1', 'pause 2']);
    });

    it('rejects a named id the vendor does not know, with its message', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);

      // Act
      const result = await runWindow(pauseRequest({ select: { ids: ['404404'] } }), deps(provider));

      // Assess
      expect(result.campaigns).toEqual([
        { id: '404404', name: '', before: 'unknown', after: 'unknown', outcome: 'rejected', detail: 'campaign 404404 not found (HTTP 404)' },
      ]);
      expect(provider.vendorCalls()).toEqual([]);
    });

    it('counts a named id that cannot be read for a passing reason as failed', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', []);
      provider.getFailures.set('7', vendorError(503, 'busy'));

      // Act
      const result = await runWindow(pauseRequest({ select: { ids: ['7'] } }), deps(provider));

      // Assess
      expect(outcomeOf(result, '7')).toMatchObject({ outcome: 'failed', detail: expect.stringContaining('could not read the campaign') });
    });

    it('pauses a named draft, reporting the vendor refusal', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'draft')]);
      provider.pauseFailures.set('1', { error: vendorError(422, 'a draft cannot be paused') });

      // Act
      const result = await runWindow(pauseRequest({ select: { ids: ['1'] } }), deps(provider));

      // Assess
      expect(provider.vendorCalls()).toEqual(['pause 1']);
      expect(outcomeOf(result, '1')).toMatchObject({ outcome: 'rejected', detail: 'pause refused: a draft cannot be paused (HTTP 422)' });
      expect(await store.list(KEY)).toEqual([]);
    });
  });

  describe('resume', () => {
    it('resumes what the window paused, to the status it had, and marks the entries resumed', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running'), campaign('2', 'scheduled'), campaign('3', 'paused')]);
      await runWindow(pauseRequest(), deps(provider));
      provider.calls.length = 0;

      // Act
      const result = await runWindow(resumeRequest(), deps(provider, { runId: 'run-2' }));

      // Assess
      expect(result).toMatchObject({ action: 'resume', scope: 'window', runId: 'run-2', summary: { selected: 2, changed: 2 } });
      expect(outcomeOf(result, '1')).toMatchObject({ before: 'paused', after: 'running', outcome: 'changed', detail: expect.stringContaining('was running') });
      expect(outcomeOf(result, '2')).toMatchObject({ before: 'paused', after: 'scheduled', outcome: 'changed' });
      expect(provider.vendorCalls().sort()).toEqual(['resume 1', 'resume 2']);
      expect((await store.list(KEY)).map((e) => [e.campaignId, e.state]).sort()).toEqual([
        ['1', 'resumed'],
        ['2', 'resumed'],
      ]);
    });

    it('leaves a campaign a person resumed during the window as it is, and closes its entry', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);
      await runWindow(pauseRequest(), deps(provider));
      provider.campaigns.set('1', campaign('1', 'running'));

      // Act
      const result = await runWindow(resumeRequest(), deps(provider, { runId: 'run-2' }));

      // Assess
      expect(outcomeOf(result, '1')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('resumed by someone') });
      expect(provider.vendorCalls()).toEqual(['pause 1']);
      expect(await entryOf(store, '1')).toMatchObject({ state: 'resumed' });
    });

    it('closes the entry of a campaign the vendor no longer knows', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', []);
      await store.beginPause(KEY, intent('9', 'run-1'));
      await store.confirmPaused(KEY, '9', '2026-12-28T21:00:01.000Z');

      // Act
      const result = await runWindow(resumeRequest(), deps(provider, { runId: 'run-2' }));

      // Assess
      expect(provider.calls).toContain('get 9');
      expect(outcomeOf(result, '9')).toMatchObject({ name: 'Campaign 9', outcome: 'unchanged', detail: expect.stringContaining('no longer exists') });
      expect(await entryOf(store, '9')).toMatchObject({ state: 'resumed' });
    });

    it('keeps the entry open when the vendor refuses the resume and the campaign is still paused', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);
      await runWindow(pauseRequest(), deps(provider));
      provider.resumeFailures.set('1', { error: vendorError(403, 'forbidden') });

      // Act
      const result = await runWindow(resumeRequest(), deps(provider, { runId: 'run-2' }));

      // Assess
      expect(outcomeOf(result, '1')).toMatchObject({ before: 'paused', after: 'paused', outcome: 'rejected', detail: 'resume refused: forbidden (HTTP 403)' });
      expect(await entryOf(store, '1')).toMatchObject({ state: 'paused' });
    });

    it('counts a refused resume as changed when the re-read shows it running after all', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);
      await runWindow(pauseRequest(), deps(provider));
      provider.resumeFailures.set('1', {
        error: new TransportError({ vendor: 'fake', operation: 'resume', timedOut: true, reason: 'no answer' }),
        statusAfter: 'running',
      });

      // Act
      const result = await runWindow(resumeRequest(), deps(provider, { runId: 'run-2' }));

      // Assess
      expect(outcomeOf(result, '1')).toMatchObject({ outcome: 'changed', after: 'running' });
      expect(await entryOf(store, '1')).toMatchObject({ state: 'resumed' });
    });

    it('with scope "selection" resumes every selected paused campaign, whoever paused it', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'paused'), campaign('2', 'running'), campaign('3', 'paused', { labels: ['campaign-ops:skip'] })]);

      // Act
      const result = await runWindow(resumeRequest({ scope: 'selection' }), deps(provider));

      // Assess
      expect(result).toMatchObject({ scope: 'selection', summary: { selected: 3, changed: 1, unchanged: 2 } });
      expect(provider.vendorCalls()).toEqual(['resume 1']);
      expect(await store.list(KEY)).toEqual([]);
    });
  });

  describe('a secret named by name and by ARN', () => {
    const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:campaign-ops/hood-AbCdEf';

    it('a window paused by the secret name is resumed by its ARN', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running'), campaign('2', 'running')]);
      await runWindow(pauseRequest(), deps(provider));
      provider.calls.length = 0;

      // Act
      const result = await runWindow(resumeRequest({ secret: ARN }), deps(provider, { runId: 'run-2' }));

      // Assess
      expect(result.summary).toMatchObject({ selected: 2, changed: 2 });
      expect(provider.vendorCalls().sort()).toEqual(['resume 1', 'resume 2']);
      expect((await store.list(KEY)).map((e) => e.state)).toEqual(['resumed', 'resumed']);
      expect(result.secret).toBe(ARN);
    });

    it('a run by ARN waits for the lease a run by name holds: one account', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);
      await store.acquire({ provider: 'ocamba', account: 'campaign-ops/hood' }, 'run-by-name', 60_000);

      // Act
      const run = runWindow(pauseRequest({ secret: ARN }), deps(provider, { lease: store, leaseWaitMs: 0 }));

      // Assess
      await expect(run).rejects.toBeInstanceOf(AccountBusyError);
      expect(provider.calls).toEqual([]);
    });
  });

  describe('a window that paused nothing', () => {
    it('resumes nothing and does not list the account', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'paused')]);

      // Act
      const result = await runWindow(resumeRequest(), deps(provider));

      // Assess
      expect(result.summary).toMatchObject({ selected: 0, changed: 0 });
      expect(provider.calls).toEqual([]);
    });
  });

  describe('found out by the team', () => {
    it('a refused resume of a campaign someone cancelled meanwhile is unchanged, not changed', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);
      await runWindow(pauseRequest(), deps(provider));
      provider.resumeFailures.set('1', { error: vendorError(400, 'campaign has ended'), statusAfter: 'ended' });

      // Act
      const result = await runWindow(resumeRequest(), deps(provider, { runId: 'run-2' }));

      // Assess
      expect(outcomeOf(result, '1')).toMatchObject({ outcome: 'unchanged', after: 'ended', detail: expect.stringContaining('ended during window nightly') });
      expect((await entryOf(store, '1'))?.state).toBe('resumed');
    });

    it('a named id outside the selected environment is not touched', async () => {
      // Prepare
      const environments = [{ id: 8756, game: 'DeltaSlot', name: 'Live' }, { id: 1111, game: 'DeltaSlot', name: 'Dev' }];
      const provider = new FakeProvider('deltadna', [campaign('2', 'running', { environment: 1111 })], environments);
      provider.unlisted.add('2');
      const request = parseWindowRequest({ provider: 'deltadna', secret: 'campaign-ops/deltaslot-live', window: 'nightly', select: { environment: 8756, ids: ['2'] } }, 'pause', VENDORS);

      // Act
      const result = await runWindow(request, deps(provider));

      // Assess
      expect(outcomeOf(result, '2')).toMatchObject({ outcome: 'unchanged', detail: 'outside the selection (environment 1111): not touched' });
      expect(provider.vendorCalls()).toEqual([]);
    });

    it('a refused pause does not forget the intent another run of the window wrote', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);
      await store.beginPause(KEY, intent('1', 'other-run'));
      provider.pauseFailures.set('1', { error: vendorError(400, 'nope') });

      // Act
      await runWindow(pauseRequest(), deps(provider));

      // Assess
      expect((await entryOf(store, '1'))?.runId).toBe('other-run');
    });
  });

  describe('dry run', () => {
    it('plans a pause without calling the vendor to act or writing the store', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running'), campaign('2', 'paused')]);

      // Act
      const result = await runWindow(pauseRequest({ dryRun: true }), deps(provider));

      // Assess
      expect(result.dryRun).toBe(true);
      expect(outcomeOf(result, '1')).toMatchObject({ before: 'running', after: 'paused', outcome: 'planned', detail: 'dry run: running: paused for window nightly' });
      expect(outcomeOf(result, '2')).toMatchObject({ outcome: 'unchanged' });
      expect(result.summary).toMatchObject({ planned: 1, changed: 0 });
      expect(provider.vendorCalls()).toEqual([]);
      expect(await store.list(KEY)).toEqual([]);
    });

    it('plans a resume without calling the vendor to act or changing any entry', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'paused'), campaign('2', 'running')]);
      await store.beginPause(KEY, intent('1', 'run-0', 'scheduled'));
      await store.confirmPaused(KEY, '1', '2026-12-28T21:00:01.000Z');
      await store.beginPause(KEY, intent('2', 'run-0'));
      await store.confirmPaused(KEY, '2', '2026-12-28T21:00:01.000Z');
      const before = await store.list(KEY);

      // Act
      const result = await runWindow(resumeRequest({ dryRun: true }), deps(provider));

      // Assess
      expect(outcomeOf(result, '1')).toMatchObject({ after: 'scheduled', outcome: 'planned' });
      expect(outcomeOf(result, '2')).toMatchObject({ outcome: 'unchanged' });
      expect(provider.vendorCalls()).toEqual([]);
      expect(await store.list(KEY)).toEqual(before);
    });
  });

  describe('environments', () => {
    const ENVIRONMENTS: Environment[] = [
      { id: 8756, game: 'DeltaSlot', name: 'Live' },
      { id: 8755, game: 'DeltaSlot', name: 'Dev' },
    ];
    const deltaRequest = (environment: unknown) =>
      parseWindowRequest({ provider: 'deltadna', secret: 'campaign-ops/deltaslot-live', window: 'nightly', select: { environment } }, 'pause', VENDORS);

    it('resolves "Game/Environment" against the key, in any case, and selects only that environment', async () => {
      // Prepare
      const provider = new FakeProvider('deltadna', [campaign('1', 'running', { environment: 8756 }), campaign('2', 'running', { environment: 8755 })], ENVIRONMENTS);

      // Act
      const result = await runWindow(deltaRequest('deltaslot/LIVE'), deps(provider));

      // Assess
      expect(result.campaigns.map((c) => c.id)).toEqual(['1']);
      expect(provider.vendorCalls()).toEqual(['pause 1']);
      expect(await entryOf(store, '1', DELTADNA_KEY)).toMatchObject({ state: 'paused' });
    });

    it.each([
      ['an id', 9999, '9999 is not an environment this key can see'],
      ['a name', 'DeltaSlot/Staging', '"DeltaSlot/Staging" is not an environment this key can see'],
    ])('refuses %s the key cannot see, naming select.environment and what it sees', async (_label, environment, problem) => {
      // Prepare
      const provider = new FakeProvider('deltadna', [campaign('1', 'running', { environment: 8756 })], ENVIRONMENTS);
      const release = vi.spyOn(store, 'release');

      // Act
      const run = runWindow(deltaRequest(environment), deps(provider, { lease: store }));

      // Assess
      const error = await run.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).issues).toEqual([
        { field: 'select.environment', problem: `${problem} (it sees: 8756 (DeltaSlot/Live), 8755 (DeltaSlot/Dev))` },
      ]);
      expect(provider.calls).toEqual(['environments']);
      expect(release).toHaveBeenCalledTimes(1);
    });
  });

  describe('a vendor with several kinds of campaign', () => {
    /** Two kinds, "one" the default; campaign 7 is of kind "two" and missing from the listing. */
    class KindedProvider extends FakeProvider {
      readonly kinds = ['one', 'two'];
      readonly defaultKind = 'one';
    }

    it('a campaign named by id and read by id is decided on its own kind\'s entry, and accounted for once', async () => {
      // Prepare
      const provider = new KindedProvider('ocamba', [campaign('7', 'running', { kind: 'two' })]);
      provider.unlisted.add('7');
      await runWindow(pauseRequest({ select: { ids: ['7'] } }), deps(provider));

      // Act
      const resume = await runWindow(resumeRequest({ select: { ids: ['7'] } }), deps(provider));

      // Assess
      expect(await entryOf(store, '7', { ...KEY, kind: 'two' })).toMatchObject({ state: 'resumed' });
      expect(resume.campaigns).toHaveLength(1);
      expect(resume.campaigns[0]).toMatchObject({ id: '7', kind: 'two', outcome: 'changed' });
      expect(provider.vendorCalls().filter((call) => call.startsWith('resume'))).toEqual(['resume 7']);
    });
  });

  describe('a key that sees a great many environments', () => {
    it('an unknown environment is refused with a bounded list of what the key sees', async () => {
      // Prepare: 500 environments with long vendor names
      const many = Array.from({ length: 500 }, (_, i) => ({ id: 10_000 + i, game: `Game ${'g'.repeat(300)}`, name: `Env ${i}` }));
      const provider = new FakeProvider('deltadna', [campaign('1', 'running', { environment: 10_000 })], many);

      // Act
      const request = parseWindowRequest({ provider: 'deltadna', secret: 'campaign-ops/deltaslot-live', window: 'nightly', select: { environment: 9999 } }, 'pause', VENDORS);
      const error = await runWindow(request, deps(provider)).then(
        () => undefined,
        (caught: unknown) => caught as InvalidRequestError,
      );

      // Assess
      const problem = error!.issues[0]!.problem;
      expect(problem).toContain('and 480 more');
      expect(problem.length).toBeLessThan(3_000);
    });
  });

  describe('the account lease', () => {
    it('acquires the account for the run id before reading and releases it after', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);
      const order: string[] = [];
      const acquire = vi.spyOn(store, 'acquire').mockImplementation(async () => {
        order.push('acquire');
        return true;
      });
      const release = vi.spyOn(store, 'release').mockImplementation(async () => {
        order.push('release');
      });
      provider.onPause = async () => {
        order.push('pause');
      };

      // Act
      await runWindow(pauseRequest(), deps(provider, { lease: store, runId: 'run-42', leaseTtlMs: 30_000 }));

      // Assess
      expect(acquire).toHaveBeenCalledWith({ provider: 'ocamba', account: 'campaign-ops/hood' }, 'run-42', 30_000);
      expect(release).toHaveBeenCalledWith({ provider: 'ocamba', account: 'campaign-ops/hood' }, 'run-42');
      expect(order).toEqual(['acquire', 'pause', 'release']);
    });

    it('gives up with AccountBusyError when another run keeps the account past leaseWaitMs', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);
      await store.acquire({ provider: 'ocamba', account: 'campaign-ops/hood' }, 'run-other', 60_000);
      const release = vi.spyOn(store, 'release');

      // Act
      const run = runWindow(pauseRequest(), deps(provider, { lease: store, leaseWaitMs: 0 }));

      // Assess
      await expect(run).rejects.toBeInstanceOf(AccountBusyError);
      await expect(run).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('campaign-ops/hood') });
      expect(provider.calls).toEqual([]);
      expect(release).not.toHaveBeenCalled();
    });

    it('waits for another run to finish and then runs', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);
      const scope = { provider: 'ocamba', account: 'campaign-ops/hood' };
      await store.acquire(scope, 'run-other', 60_000);
      const acquire = vi.spyOn(store, 'acquire');
      acquire.mockImplementationOnce(async (...args) => {
        // The other run finishes while this one is told to wait.
        const result = await MemoryWindowStore.prototype.acquire.apply(store, args);
        await store.release(scope, 'run-other');
        return result;
      });

      // Act: the wait between two tries passes on a clock of the test's, not in real time.
      const clock = new ManualClock();
      const result = await clock.run(runWindow(pauseRequest(), deps(provider, { lease: store, leaseWaitMs: 5_000, leaseClock: clock })));

      // Assess
      expect(acquire.mock.results.length).toBeGreaterThanOrEqual(2);
      expect(await acquire.mock.results[0]!.value).toBe(false);
      expect(result.summary.changed).toBe(1);
    });
  });

  describe('progress and telemetry', () => {
    it('reports progress once per campaign', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running'), campaign('2', 'paused'), campaign('3', 'draft')]);
      const progress: { done: number; total: number; id: string }[] = [];

      // Act
      const result = await runWindow(pauseRequest(), deps(provider, { onProgress: (p) => progress.push({ done: p.done, total: p.total, id: p.last.id }) }));

      // Assess
      expect(progress.map((p) => p.done)).toEqual([1, 2, 3]);
      expect(progress.every((p) => p.total === 3)).toBe(true);
      expect(progress.map((p) => p.id).sort()).toEqual(['1', '2', '3']);
      expect(result.campaigns).toHaveLength(3);
    });

    it('counts the outcomes', async () => {
      // Prepare
      const provider = new FakeProvider('ocamba', [campaign('1', 'running'), campaign('2', 'paused'), campaign('3', 'running')]);
      provider.pauseFailures.set('3', { error: vendorError(400, 'no') });
      const counts: Record<string, number> = {};
      const telemetry: Telemetry = { count: (name, value = 1) => void (counts[name] = (counts[name] ?? 0) + value) };

      // Act
      await runWindow(pauseRequest(), deps(provider, { telemetry }));

      // Assess
      expect(counts).toEqual({ CampaignsChanged: 1, CampaignsUnchanged: 1, CampaignsRejected: 1, CampaignsFailed: 0 });
    });
  });
});

describe('Scenario: a run asked to stop (Ctrl-C)', () => {
  it('starts no campaign after the stop, finishes and records those in flight, and counts the rest as not started', async () => {
    // Prepare: one campaign at a time; the stop comes while the second pause is at the vendor.
    const provider = new FakeProvider('ocamba', ['1', '2', '3', '4', '5'].map((id) => campaign(id, 'running')));
    const stop = new AbortController();
    provider.onPause = async (c) => {
      if (c.id === '2') stop.abort();
    };

    // Act
    const result = await runWindow(pauseRequest(), deps(provider, { concurrency: 1, signal: stop.signal }));

    // Assess
    expect(provider.vendorCalls()).toEqual(['pause 1', 'pause 2']);
    expect(result.campaigns.map((c) => [c.id, c.outcome])).toEqual([['1', 'changed'], ['2', 'changed']]);
    expect(result.interrupted).toEqual({ notStarted: 3, listingComplete: true });
    expect((await store.list(KEY)).map((e) => [e.campaignId, e.state])).toEqual([['1', 'paused'], ['2', 'paused']]);
  });

  it('stopped during the listing reads no further campaign and calls the vendor for none', async () => {
    // Prepare
    const provider = new FakeProvider('ocamba', ['1', '2', '3'].map((id) => campaign(id, 'running')));
    const stop = new AbortController();
    const listing = provider.listCampaigns.bind(provider);
    provider.listCampaigns = async function* () {
      for await (const c of listing()) {
        yield c;
        stop.abort();
      }
    };

    // Act
    const result = await runWindow(pauseRequest(), deps(provider, { signal: stop.signal }));

    // Assess
    expect(provider.vendorCalls()).toEqual([]);
    expect(result.campaigns).toEqual([]);
    expect(result.interrupted).toEqual({ notStarted: 1, listingComplete: false });
  });

  it('gives the account lease back when stopped', async () => {
    // Prepare
    const provider = new FakeProvider('ocamba', [campaign('1', 'running'), campaign('2', 'running')]);
    const stop = new AbortController();
    provider.onPause = async () => stop.abort();

    // Act
    await runWindow(pauseRequest(), deps(provider, { concurrency: 1, signal: stop.signal, lease: store }));

    // Assess
    expect(await store.acquire({ provider: 'ocamba', account: OCAMBA.secret }, 'next-run', 60_000)).toBe(true);
  });
});

describe('Scenario: overlapping windows on the memory store', () => {
  const FREEZE_KEY: WindowKey = { ...KEY, window: 'freeze' };
  const freezePause = () => parseWindowRequest({ ...OCAMBA, window: 'freeze', select: { ids: ['1', '2'] } }, 'pause', VENDORS);
  const freezeResume = (extra: Record<string, unknown> = {}) => parseWindowRequest({ ...OCAMBA, window: 'freeze', select: { ids: ['1', '2'] }, ...extra }, 'resume', VENDORS);

  it('the freeze joins the hold with nightly\'s before, nightly lets go, and the freeze resumes last; one account read per run', async () => {
    // Prepare
    const provider = new FakeProvider('ocamba', [campaign('1', 'scheduled'), campaign('2', 'running'), campaign('3', 'running')]);
    const listAccount = vi.spyOn(store, 'listAccount');
    await runWindow(pauseRequest(), deps(provider));

    // Act
    const join = await runWindow(freezePause(), deps(provider, { runId: 'run-freeze' }));
    const letGo = await runWindow(resumeRequest(), deps(provider));
    const last = await runWindow(freezeResume(), deps(provider, { runId: 'run-freeze-2' }));

    // Assess
    expect(outcomeOf(join, '1')).toMatchObject({ outcome: 'unchanged', after: 'paused', detail: 'held with window nightly, which paused it (was scheduled): window freeze holds it too' });
    expect(outcomeOf(letGo, '1')).toMatchObject({ outcome: 'unchanged', detail: 'still held by window freeze: window nightly lets go, left paused' });
    expect(outcomeOf(letGo, '3')).toMatchObject({ outcome: 'changed' });
    expect(outcomeOf(last, '1')).toMatchObject({ outcome: 'changed', after: 'scheduled' });
    expect(provider.vendorCalls()).toEqual(['pause 1', 'pause 2', 'pause 3', 'resume 3', 'resume 1', 'resume 2']);
    expect(await entryOf(store, '1', FREEZE_KEY)).toMatchObject({ state: 'resumed', before: 'scheduled', heldWith: 'nightly', runId: 'run-freeze' });
    expect(listAccount).toHaveBeenCalledTimes(4);
    expect(listAccount).toHaveBeenCalledWith({ provider: 'ocamba', account: 'campaign-ops/hood' });
  });

  it('a dry run of the freeze writes no entry and says whose hold it would join', async () => {
    // Prepare
    const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);
    await runWindow(pauseRequest(), deps(provider));

    // Act
    const plan = await runWindow(parseWindowRequest({ ...OCAMBA, window: 'freeze', select: { ids: ['1'] }, dryRun: true }, 'pause', VENDORS), deps(provider));

    // Assess
    expect(outcomeOf(plan, '1').detail).toContain('held with window nightly');
    expect(await store.list(FREEZE_KEY)).toEqual([]);
  });

  it('a selection resume of nightly closes the freeze\'s hold with its reason', async () => {
    // Prepare
    const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);
    await runWindow(pauseRequest(), deps(provider));
    await runWindow(freezePause(), deps(provider));

    // Act
    const override = await runWindow(resumeRequest({ scope: 'selection' }), deps(provider, { runId: 'run-override' }));

    // Assess
    expect(outcomeOf(override, '1')).toMatchObject({ outcome: 'changed', after: 'running', detail: expect.stringContaining('overriding the hold of window freeze') });
    expect(await entryOf(store, '1', FREEZE_KEY)).toMatchObject({ state: 'resumed', closedReason: 'resumed by window nightly with scope "selection" (run run-override)' });
    expect(await entryOf(store, '1')).toMatchObject({ state: 'resumed' });
  });
});

describe('Scenario: late deliveries never act out of order', () => {
  const TONIGHT = '2026-11-30T22:00:00Z';
  const MORNING = '2026-12-01T06:00:00Z';
  const YESTERDAY_MORNING = '2026-11-30T06:00:00Z';
  const counting = (): { telemetry: Telemetry; counts: Record<string, number> } => {
    const counts: Record<string, number> = {};
    return { counts, telemetry: { count: (name, value = 1) => void (counts[name] = (counts[name] ?? 0) + value) } };
  };

  it('skips a pause meant for before the window\'s last resume: nothing listed or sent, the resume named, RunsStale counted', async () => {
    // Prepare: tonight's window ran, and its pause is delivered again after the resume.
    const provider = new FakeProvider('ocamba', [campaign('1', 'running'), campaign('2', 'running')]);
    await runWindow(pauseRequest({ at: TONIGHT }), deps(provider, { runId: 'pause-1' }));
    await runWindow(resumeRequest({ at: MORNING }), deps(provider, { runId: 'resume-1' }));
    provider.calls.length = 0;
    const { telemetry, counts } = counting();

    // Act
    const late = await runWindow(pauseRequest({ at: TONIGHT }), deps(provider, { runId: 'pause-1-late', telemetry }));

    // Assess
    expect(late.skipped).toEqual({
      reason: expect.stringContaining('delivered late'),
      at: '2026-11-30T22:00:00.000Z',
      staleBecause: { action: 'resume', at: '2026-12-01T06:00:00.000Z', runId: 'resume-1' },
    });
    expect(late.campaigns).toEqual([]);
    expect(late.summary).toEqual({ selected: 0, planned: 0, changed: 0, unchanged: 0, rejected: 0, failed: 0 });
    expect(provider.calls).toEqual([]);
    expect([...provider.campaigns.values()].map((c) => c.status)).toEqual(['running', 'running']);
    expect(counts).toMatchObject({ RunsStale: 1 });
    expect((await store.edges(KEY)).pause).toMatchObject({ runId: 'pause-1' });
  });

  it("skips yesterday's resume delivered after tonight's pause, which stands until tonight's own resume", async () => {
    // Prepare
    const provider = new FakeProvider('ocamba', [campaign('1', 'running'), campaign('2', 'running')]);
    await runWindow(pauseRequest({ at: TONIGHT }), deps(provider, { runId: 'pause-tonight' }));

    // Act
    const late = await runWindow(resumeRequest({ at: YESTERDAY_MORNING }), deps(provider, { runId: 'resume-yesterday' }));
    const statusesAfterLate = [...provider.campaigns.values()].map((c) => c.status);
    const morning = await runWindow(resumeRequest({ at: MORNING }), deps(provider, { runId: 'resume-morning' }));

    // Assess
    expect(late.skipped?.staleBecause).toEqual({ action: 'pause', at: '2026-11-30T22:00:00.000Z', runId: 'pause-tonight' });
    expect(statusesAfterLate).toEqual(['paused', 'paused']);
    expect(morning.skipped).toBeUndefined();
    expect(morning.summary.changed).toBe(2);
    expect([...provider.campaigns.values()].map((c) => c.status)).toEqual(['running', 'running']);
  });

  it('keeps a normal night and a retried pause as they were: the retry before the resume is a no-op, not skipped', async () => {
    // Prepare
    const provider = new FakeProvider('ocamba', [campaign('1', 'running'), campaign('2', 'paused')]);

    // Act
    const pause = await runWindow(pauseRequest({ at: TONIGHT }), deps(provider, { runId: 'pause-1' }));
    const retry = await runWindow(pauseRequest({ at: TONIGHT }), deps(provider, { runId: 'pause-1-retry' }));
    const resume = await runWindow(resumeRequest({ at: MORNING }), deps(provider, { runId: 'resume-1' }));
    const resumeRetry = await runWindow(resumeRequest({ at: MORNING }), deps(provider, { runId: 'resume-1-retry' }));

    // Assess
    expect([pause, retry, resume, resumeRetry].map((r) => r.skipped)).toEqual([undefined, undefined, undefined, undefined]);
    expect(pause.summary).toMatchObject({ changed: 1, unchanged: 1 });
    expect(retry.summary).toMatchObject({ changed: 0, unchanged: 2 });
    expect(resume.summary).toMatchObject({ changed: 1 });
    expect(resumeRetry.summary).toMatchObject({ changed: 0 });
    expect(provider.campaigns.get('1')?.status).toBe('running');
    expect(provider.campaigns.get('2')?.status).toBe('paused');
    expect(await store.edges(KEY)).toEqual({
      pause: { at: '2026-11-30T22:00:00.000Z', runId: 'pause-1-retry', ranAt: NOW.toISOString() },
      resume: { at: '2026-12-01T06:00:00.000Z', runId: 'resume-1-retry', ranAt: NOW.toISOString() },
    });
  });

  it('ends with every campaign running when a pause is retried while its resume runs, waiting for the account lease', async () => {
    // Prepare: the 22:00 pause failed on one campaign, so Lambda retries it; the 22:30 resume of a short
    // window holds the account when the retry arrives.
    const provider = new FakeProvider('ocamba', [campaign('1', 'running'), campaign('2', 'running')]);
    provider.pauseFailures.set('2', { error: vendorError(503, 'try later') });
    const first = await runWindow(pauseRequest({ at: TONIGHT }), deps(provider, { lease: store, runId: 'pause-1' }));
    provider.pauseFailures.clear();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let holding!: () => void;
    const resumeHolds = new Promise<void>((resolve) => (holding = resolve));
    const resumeAtVendor = provider.resume.bind(provider);
    provider.resume = async (c) => {
      holding();
      await gate;
      return resumeAtVendor(c);
    };
    const resume = runWindow(resumeRequest({ at: '2026-11-30T22:30:00Z' }), deps(provider, { lease: store, runId: 'resume-1' }));
    await resumeHolds;

    // Act: the retry waits for the lease on the test's clock; the resume finishes meanwhile.
    const clock = new ManualClock();
    const retry = clock.run(runWindow(pauseRequest({ at: TONIGHT }), deps(provider, { lease: store, leaseClock: clock, leaseWaitMs: 60_000, runId: 'pause-1-retry' })));
    await clock.whenSleeping();
    open();
    const resumed = await resume;
    const retried = await retry;

    // Assess
    expect(first.summary.failed).toBe(1);
    expect(resumed.summary.changed).toBe(1);
    expect(retried.skipped?.staleBecause).toEqual({ action: 'resume', at: '2026-11-30T22:30:00.000Z', runId: 'resume-1' });
    expect([...provider.campaigns.values()].map((c) => c.status)).toEqual(['running', 'running']);
    expect(provider.vendorCalls()).toEqual(['pause 1', 'pause 2', 'resume 1']);
  });

  it('records nothing for a dry run, so a preview never makes the real edge stale', async () => {
    // Prepare
    const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);

    // Act
    const preview = await runWindow(resumeRequest({ at: MORNING, dryRun: true }), deps(provider));
    const pause = await runWindow(pauseRequest({ at: TONIGHT }), deps(provider));

    // Assess
    expect(preview.skipped).toBeUndefined();
    expect(pause.skipped).toBeUndefined();
    expect(pause.summary.changed).toBe(1);
  });

  it('takes a run with no at as meant for now: a CLI pause after the morning resume is not late', async () => {
    // Prepare
    const provider = new FakeProvider('ocamba', [campaign('1', 'running')]);
    await runWindow(resumeRequest({ at: MORNING }), deps(provider, { runId: 'resume-1' }));

    // Act
    const now = await runWindow(pauseRequest(), deps(provider, { runId: 'pause-by-hand' }));

    // Assess
    expect(now.skipped).toBeUndefined();
    expect(now.summary.changed).toBe(1);
    expect((await store.edges(KEY)).pause).toEqual({ at: NOW.toISOString(), runId: 'pause-by-hand', ranAt: NOW.toISOString() });
  });
});
