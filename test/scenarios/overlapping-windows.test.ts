/**
 * Two (or three) windows of one account overlapping, through the command against the deltaDNA simulator
 * (DeltaSlot/Live): nightly (22:00-06:00) and a release freeze (03:00-13:00). A campaign both select
 * stays paused until the last window holding it lets go, and returns to what it was before the first
 * window paused it; whatever a person did still wins. (deltaDNA, whose client keeps no rate window, so
 * no run waits on a vendor limit in real time; Ocamba is covered on moto in test/integration.)
 *
 *   34749  Welcome Offer, running     nightly only
 *   34750  Daily Spin Reminder, running  freeze only
 *   34754  Promo Coins x2, scheduled  both windows
 *   34756  Promo Free Spins, running  both windows
 *   34752  Halloween Bonus, paused by a person before any window, selected by both
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileWindowStore } from '../../functions/adapters/local/file-window-store.js';
import { outcomeOf, startCliHarness, type CliHarness } from '../support/cli-harness.js';

const ACCOUNT = { provider: 'deltadna', secret: 'campaign-ops/deltaslot-live' };
const LIVE = 8756;
const NIGHTLY = { ...ACCOUNT, window: 'nightly', select: { environment: LIVE, names: ['Welcome*', 'Promo*', 'Halloween*'] } };
const FREEZE = { ...ACCOUNT, window: 'freeze', select: { environment: LIVE, ids: ['34750', '34752', '34754', '34756'] } };
const BOTH = ['34754', '34756'];

let h: CliHarness;
beforeEach(async () => {
  h = await startCliHarness();
});
afterEach(async () => {
  await h.close();
});

const run = (action: 'pause' | 'resume', request: object, extra: string[] = []) => h.window(action, request, extra);

const sent = (verb: 'pause' | 'resume'): string[] =>
  h.sims.deltadna.requests
    .filter((r) => r.method === 'POST' && r.path.startsWith('/api/engage/v1/campaigns/event-triggered/') && r.path.endsWith(verb === 'pause' ? '/pause' : '/play'))
    .map((r) => r.path.split('/').at(-2)!)
    .sort();

const status = (id: string): string | undefined => h.sims.deltadna.campaign(Number(id))?.status;

const entries = (window: string) => new FileWindowStore({ stateDir: h.stateDir }).list({ provider: 'deltadna', account: ACCOUNT.secret, window });

describe('Scenario: nightly and a release freeze overlap', () => {
  it('the freeze joins the holds of nightly, nightly lets go at 06:00, the freeze resumes at 13:00 to what was before nightly', async () => {
    // Act
    const nightlyPause = await run('pause', NIGHTLY);
    h.sims.deltadna.resetRequests();
    const freezePause = await run('pause', FREEZE);
    const freezePauses = sent('pause');
    const freezeEntries = await entries('freeze');
    h.sims.deltadna.resetRequests();
    const nightlyResume = await run('resume', NIGHTLY);
    const nightlyResumes = sent('resume');
    const heldAfterNightly = BOTH.map(status);
    h.sims.deltadna.resetRequests();
    const freezeResume = await run('resume', FREEZE);

    // Assess: the freeze joins without a vendor call, and names the window holding each campaign.
    expect([nightlyPause.code, freezePause.code, nightlyResume.code, freezeResume.code]).toEqual([0, 0, 0, 0]);
    expect(freezePauses).toEqual(['34750']);
    for (const id of BOTH) {
      expect(outcomeOf(freezePause.result, id)).toMatchObject({ outcome: 'unchanged', after: 'paused', detail: expect.stringContaining('held with window nightly, which paused it') });
    }
    expect(outcomeOf(freezePause.result, '34752')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('by a person or another tool') });
    // Its entries keep the status from before nightly paused them.
    expect(freezeEntries.map((e) => [e.campaignId, e.state, e.before, e.heldWith ?? '-']).sort()).toEqual([
      ['34750', 'paused', 'running', '-'],
      ['34754', 'paused', 'scheduled', 'nightly'],
      ['34756', 'paused', 'running', 'nightly'],
    ]);
    // 06:00: nightly gives back only what no other window holds.
    expect(nightlyResumes).toEqual(['34749']);
    for (const id of BOTH) {
      expect(outcomeOf(nightlyResume.result, id)).toMatchObject({ outcome: 'unchanged', after: 'paused', detail: expect.stringContaining('still held by window freeze') });
    }
    expect(heldAfterNightly).toEqual(['PAUSED', 'PAUSED']);
    expect((await entries('nightly')).every((e) => e.state === 'resumed')).toBe(true);
    // 13:00: the last to let go resumes, each to what it was before the first window.
    expect(sent('resume')).toEqual(['34750', '34754', '34756']);
    expect(outcomeOf(freezeResume.result, '34754')).toMatchObject({ outcome: 'changed', after: 'scheduled', detail: expect.stringContaining('the last to let go') });
    expect(outcomeOf(freezeResume.result, '34756')).toMatchObject({ outcome: 'changed', after: 'running' });
    expect([status('34754'), status('34756'), status('34750')]).toEqual(['SCHEDULED', 'ACTIVE', 'ACTIVE']);
    expect(status('34752')).toBe('PAUSED');
  });

  it('the other order: the freeze ends first and lets go, nightly resumes everything at its end', async () => {
    // Prepare
    await run('pause', NIGHTLY);
    await run('pause', FREEZE);
    h.sims.deltadna.resetRequests();

    // Act
    const freezeResume = await run('resume', FREEZE);
    const freezeResumes = sent('resume');
    h.sims.deltadna.resetRequests();
    const nightlyResume = await run('resume', NIGHTLY);

    // Assess
    expect([freezeResume.code, nightlyResume.code]).toEqual([0, 0]);
    expect(freezeResumes).toEqual(['34750']);
    for (const id of BOTH) expect(outcomeOf(freezeResume.result, id)).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('still held by window nightly') });
    expect(sent('resume')).toEqual(['34749', '34754', '34756']);
    expect(outcomeOf(nightlyResume.result, '34754')).toMatchObject({ outcome: 'changed', after: 'scheduled', detail: 'paused by window nightly (was scheduled): resumed' });
    expect([status('34754'), status('34756'), status('34749')]).toEqual(['SCHEDULED', 'ACTIVE', 'ACTIVE']);
    expect(status('34752')).toBe('PAUSED');
  });

  it('duplicate deliveries of every edge change nothing the second time', async () => {
    // Prepare
    await run('pause', NIGHTLY);
    await run('pause', FREEZE);
    h.sims.deltadna.resetRequests();

    // Act
    const freezeAgain = await run('pause', FREEZE);
    const afterFreezeAgain = h.stateChangingRequests();
    await run('resume', NIGHTLY);
    h.sims.deltadna.resetRequests();
    const nightlyAgain = await run('resume', NIGHTLY);

    // Assess
    expect(afterFreezeAgain).toEqual([]);
    for (const id of BOTH) expect(outcomeOf(freezeAgain.result, id)).toMatchObject({ outcome: 'unchanged', detail: 'already paused by window freeze (also held by window nightly)' });
    expect(h.stateChangingRequests()).toEqual([]);
    expect(nightlyAgain.result.summary).toMatchObject({ changed: 0, failed: 0 });
    for (const id of BOTH) expect(status(id)).toBe('PAUSED');
  });

  it('dry runs say who holds what and write nothing', async () => {
    // Prepare
    await run('pause', NIGHTLY);
    h.sims.deltadna.resetRequests();

    // Act
    const freezePlan = await run('pause', FREEZE, ['--dry-run']);
    const freezeEntries = await entries('freeze');
    await run('pause', FREEZE);
    h.sims.deltadna.resetRequests();
    const nightlyPlan = await run('resume', NIGHTLY, ['--dry-run']);

    // Assess
    expect(freezeEntries).toEqual([]);
    expect(outcomeOf(freezePlan.result, '34756')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('held with window nightly') });
    expect(outcomeOf(freezePlan.result, '34750')).toMatchObject({ outcome: 'planned' });
    expect(outcomeOf(nightlyPlan.result, '34756')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('still held by window freeze') });
    expect(outcomeOf(nightlyPlan.result, '34749')).toMatchObject({ outcome: 'planned', after: 'running' });
    expect(h.stateChangingRequests()).toEqual([]);
    expect((await entries('nightly')).every((e) => e.state === 'paused')).toBe(true);
  });
});

describe('Scenario: three windows hold one campaign', () => {
  const WEEKEND = { ...ACCOUNT, window: 'weekend', select: { environment: LIVE, ids: ['34756'] } };

  it('it stays paused until the third lets go, whichever order they end in', async () => {
    // Prepare
    await run('pause', NIGHTLY);
    await run('pause', FREEZE);
    const weekendPause = await run('pause', WEEKEND);
    h.sims.deltadna.resetRequests();

    // Act
    const nightly = await run('resume', NIGHTLY);
    const weekend = await run('resume', WEEKEND);
    const stillPaused = status('34756');
    const freeze = await run('resume', FREEZE);

    // Assess
    expect(outcomeOf(weekendPause.result, '34756')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('held with window nightly, which paused it') });
    expect(outcomeOf(nightly.result, '34756')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('still held by window freeze, window weekend') });
    expect(outcomeOf(weekend.result, '34756')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('still held by window freeze:') });
    expect(stillPaused).toBe('PAUSED');
    expect(outcomeOf(freeze.result, '34756')).toMatchObject({ outcome: 'changed', after: 'running' });
    expect(sent('resume').filter((id) => id === '34756')).toEqual(['34756']);
    expect(status('34756')).toBe('ACTIVE');
  });
});

describe('Scenario: people win over every window', () => {
  it('a doubly held campaign a person resumed, and one a person cancelled, during the night are left as they left them by both windows', async () => {
    // Prepare
    await run('pause', NIGHTLY);
    await run('pause', FREEZE);
    h.sims.deltadna.setStatus(34756, 'ACTIVE');
    h.sims.deltadna.setStatus(34754, 'COMPLETED');
    h.sims.deltadna.resetRequests();

    // Act
    const nightly = await run('resume', NIGHTLY);
    const freeze = await run('resume', FREEZE);

    // Assess
    expect([nightly.code, freeze.code]).toEqual([0, 0]);
    expect(outcomeOf(nightly.result, '34756')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('resumed by someone during window nightly') });
    expect(outcomeOf(freeze.result, '34756')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('resumed by someone during window freeze') });
    expect(outcomeOf(nightly.result, '34754')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('ended during window nightly') });
    expect(outcomeOf(freeze.result, '34754')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('ended during window freeze') });
    expect(sent('resume')).toEqual(['34749', '34750']);
    expect([status('34756'), status('34754')]).toEqual(['ACTIVE', 'COMPLETED']);
    // Every hold on them is closed: no window is left holding what a person took back.
    for (const window of ['nightly', 'freeze']) expect((await entries(window)).every((e) => e.state === 'resumed')).toBe(true);
  });

  it('a campaign a person paused before any window is held by none and resumed by neither', async () => {
    // Act
    const nightlyPause = await run('pause', NIGHTLY);
    const freezePause = await run('pause', FREEZE);
    await run('resume', FREEZE);
    await run('resume', NIGHTLY);

    // Assess
    expect(outcomeOf(nightlyPause.result, '34752').detail).toContain('already paused before window nightly');
    expect(outcomeOf(freezePause.result, '34752').detail).toContain('already paused before window freeze');
    expect([...(await entries('nightly')), ...(await entries('freeze'))].map((e) => e.campaignId)).not.toContain('34752');
    expect(sent('resume')).not.toContain('34752');
    expect(status('34752')).toBe('PAUSED');
  });

  it('scope "selection" is an operator override: it resumes what it selects whatever holds it, and closes the other holds saying why', async () => {
    // Prepare
    await run('pause', NIGHTLY);
    await run('pause', FREEZE);
    h.sims.deltadna.resetRequests();

    // Act
    const override = await run('resume', { ...NIGHTLY, scope: 'selection' });
    const freeze = await run('resume', FREEZE);

    // Assess
    expect(outcomeOf(override.result, '34756')).toMatchObject({ outcome: 'changed', after: 'running', detail: expect.stringContaining('overriding the hold of window freeze') });
    expect(outcomeOf(override.result, '34754')).toMatchObject({ outcome: 'changed', after: 'scheduled' });
    const freezeEntries = new Map((await entries('freeze')).map((e) => [e.campaignId, e]));
    expect(freezeEntries.get('34756')).toMatchObject({ state: 'resumed', closedReason: expect.stringMatching(/^resumed by window nightly with scope "selection" \(run /) });
    expect(outcomeOf(freeze.result, '34756')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining("window freeze's hold was closed") });
    expect(outcomeOf(freeze.result, '34750')).toMatchObject({ outcome: 'changed' });
    expect(sent('resume').filter((id) => BOTH.includes(id))).toEqual(BOTH);
  });
});

describe('Scenario: a window killed mid-run while another holds', () => {
  it("the freeze's entry left pausing still holds; the rest of its pause is done by its re-run; the last to let go resumes", async () => {
    // Prepare: nightly paused its campaigns; the freeze was killed after writing its entry for 34756
    // (before confirming it) and before reaching any other campaign.
    await run('pause', NIGHTLY);
    const store = new FileWindowStore({ stateDir: h.stateDir });
    const nightly248 = (await entries('nightly')).find((e) => e.campaignId === '34756')!;
    await store.beginPause(
      { provider: 'deltadna', account: ACCOUNT.secret, window: 'freeze' },
      { campaignId: '34756', name: 'Promo Free Spins', before: nightly248.before, beforeVendorStatus: nightly248.beforeVendorStatus, runId: 'killed', at: new Date().toISOString(), heldWith: 'nightly' },
    );
    h.sims.deltadna.resetRequests();

    // Act: 06:00 comes before the freeze is run again.
    const nightlyResume = await run('resume', NIGHTLY);
    const nightlyResumes = sent('resume');
    const rerun = await run('pause', FREEZE);
    const freezeResume = await run('resume', FREEZE);

    // Assess
    expect(outcomeOf(nightlyResume.result, '34756')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('still held by window freeze') });
    // 34754 was never reached by the killed freeze: nightly resumes it, and the freeze's re-run pauses it itself.
    expect(nightlyResumes).toEqual(['34749', '34754']);
    expect(outcomeOf(rerun.result, '34756')).toMatchObject({ outcome: 'unchanged', detail: 'already paused by window freeze' });
    expect(outcomeOf(rerun.result, '34754')).toMatchObject({ outcome: 'changed', after: 'paused' });
    expect((await entries('freeze')).map((e) => [e.campaignId, e.state]).sort()).toEqual([
      ['34750', 'resumed'],
      ['34754', 'resumed'],
      ['34756', 'resumed'],
    ]);
    expect(freezeResume.code).toBe(0);
    expect(outcomeOf(freezeResume.result, '34756')).toMatchObject({ outcome: 'changed', after: 'running' });
    expect([status('34754'), status('34756'), status('34750')]).toEqual(['SCHEDULED', 'ACTIVE', 'ACTIVE']);
  });
});

describe('Scenario: holds compose within one kind of deltaDNA campaign', () => {
  it("a decision-point window's hold does not hold the event-triggered campaign with the same id", async () => {
    // Prepare: decision-point 34749 shares its id with the event-triggered Welcome Offer.
    await h.close();
    h = await startCliHarness({
      deltadna: { decisionPointCampaigns: [{ id: 34749, name: 'Shop Welcome Banner', environment: LIVE, status: 'ACTIVE', decisionPoint: 'shopOpened' }] },
    });
    const nightly = { ...ACCOUNT, window: 'nightly', select: { environment: LIVE, kind: 'decision-point' } };
    const freeze = { ...ACCOUNT, window: 'freeze', select: { environment: LIVE, ids: ['34749'] } };

    // Act
    await run('pause', nightly);
    const freezePause = await run('pause', freeze);
    const nightlyResume = await run('resume', nightly);

    // Assess
    expect(outcomeOf(freezePause.result, '34749')).toMatchObject({ outcome: 'changed', detail: expect.stringContaining('paused for window freeze') });
    expect(outcomeOf(nightlyResume.result, '34749')).toMatchObject({ outcome: 'changed', kind: 'decision-point' });
    expect(h.sims.deltadna.campaign(34749, 'decision-point')?.status).toBe('ACTIVE');
    expect(h.sims.deltadna.campaign(34749)?.status).toBe('PAUSED');
  });
});
