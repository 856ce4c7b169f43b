/**
 * Windows over deltaDNA's decision-point campaigns, alone and with the event-triggered ones
 * (`select.kind`), through the command against the simulator. Ids of the two kinds may be equal: the
 * kind is part of the window state's key, so neither kind's entry can stand for the other's.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CampaignOutcome, WindowResult } from '../../functions/core/result.js';
import { startCliHarness, type CliHarness } from '../support/cli-harness.js';

const LIVE = 8756;
const WINDOW = { provider: 'deltadna', secret: 'campaign-ops/deltaslot-live', window: 'nightly' };

let h: CliHarness;
beforeEach(async () => {
  // A decision-point campaign with the same id as an event-triggered one (34749, Welcome Offer), and one
  // a person paused before any window.
  h = await startCliHarness({
    deltadna: {
      decisionPointCampaigns: [
        { id: 52001, name: 'Shop Banner', environment: LIVE, status: 'ACTIVE', decisionPoint: 'shopOpened' },
        { id: 34749, name: 'Shop Welcome Banner', environment: LIVE, status: 'ACTIVE', decisionPoint: 'shopOpened' },
        { id: 52003, name: 'Paused By Marketing', environment: LIVE, status: 'PAUSED', decisionPoint: 'levelSelect' },
        { id: 52004, name: 'Dev Banner', environment: 8755, status: 'ACTIVE', decisionPoint: 'shopOpened' },
      ],
    },
  });
});
afterEach(async () => {
  await h.close();
});

const run = async (action: 'pause' | 'resume', kind?: string) => {
  const event = await h.writeEvent({ ...WINDOW, select: { environment: LIVE, ...(kind ? { kind } : {}) } });
  return h.json<WindowResult>([action, '--event', event]);
};

const posts = (kind: string, verb: 'pause' | 'play'): string[] =>
  h.sims.deltadna.requests
    .filter((r) => r.method === 'POST' && r.path.startsWith(`/api/engage/v1/campaigns/${kind}/`) && r.path.endsWith(`/${verb}`))
    .map((r) => r.path.split('/').at(-2)!)
    .sort();

const outcome = (result: WindowResult, id: string, kind?: string): CampaignOutcome | undefined =>
  result.campaigns.find((c) => c.id === id && c.kind === kind);

describe('Scenario: a window over decision-point campaigns', () => {
  it('pauses the running decision-point campaigns of the environment at night and resumes exactly those, leaving event-triggered ones alone', async () => {
    // Act
    const pause = await run('pause', 'decision-point');
    const resume = await run('resume', 'decision-point');

    // Assess
    expect(pause.code).toBe(0);
    expect(pause.result.kind).toBe('decision-point');
    expect(posts('decision-point', 'pause')).toEqual(['34749', '52001']);
    expect(posts('event-triggered', 'pause')).toEqual([]);
    expect(outcome(pause.result, '52003', 'decision-point')).toMatchObject({ outcome: 'unchanged', after: 'paused' });
    expect(resume.code).toBe(0);
    expect(posts('decision-point', 'play')).toEqual(['34749', '52001']);
    expect(h.sims.deltadna.campaign(52001, 'decision-point')?.status).toBe('ACTIVE');
    expect(h.sims.deltadna.campaign(52003, 'decision-point')?.status).toBe('PAUSED');
    expect(h.sims.deltadna.campaign(52004, 'decision-point')?.status).toBe('ACTIVE');
    expect(h.sims.deltadna.campaign(34749)?.status).toBe('ACTIVE');
  });

  it("a resume of the window's event-triggered campaigns does not give back what its decision-point run paused (the kind keys the state)", async () => {
    // Prepare
    await run('pause', 'decision-point');

    // Act
    const resume = await run('resume');

    // Assess
    expect(resume.code).toBe(0);
    expect(resume.result.campaigns).toEqual([]);
    expect(h.sims.deltadna.campaign(52001, 'decision-point')?.status).toBe('PAUSED');
    expect(h.sims.deltadna.campaign(34749, 'decision-point')?.status).toBe('PAUSED');
  });
});

describe('Scenario: a window over both kinds', () => {
  it('pauses both kinds, tells equal ids apart by kind, and resumes each where it belongs', async () => {
    // Act
    const pause = await run('pause', 'all');
    const resume = await run('resume', 'all');

    // Assess
    expect(pause.code).toBe(0);
    expect(posts('event-triggered', 'pause')).toEqual(['34749', '34750', '34754', '34756']);
    expect(posts('decision-point', 'pause')).toEqual(['34749', '52001']);
    expect(outcome(pause.result, '34749', 'event-triggered')).toMatchObject({ outcome: 'changed', name: 'Welcome Offer' });
    expect(outcome(pause.result, '34749', 'decision-point')).toMatchObject({ outcome: 'changed', name: 'Shop Welcome Banner' });
    expect(resume.code).toBe(0);
    expect(resume.result.summary).toMatchObject({ selected: 6, changed: 6 });
    expect(posts('event-triggered', 'play')).toEqual(['34749', '34750', '34754', '34756']);
    expect(posts('decision-point', 'play')).toEqual(['34749', '52001']);
    expect(h.sims.deltadna.campaign(34749)?.status).toBe('ACTIVE');
    expect(h.sims.deltadna.campaign(34749, 'decision-point')?.status).toBe('ACTIVE');
    expect(h.sims.deltadna.campaign(34754)?.status).toBe('SCHEDULED');
  });

  it('a person resuming the decision-point campaign of an equal id during the night leaves the event-triggered one to the window', async () => {
    // Prepare
    await run('pause', 'all');
    h.sims.deltadna.setStatus(34749, 'ACTIVE', 'decision-point');
    h.sims.deltadna.resetRequests();

    // Act
    const resume = await run('resume', 'all');

    // Assess
    expect(outcome(resume.result, '34749', 'decision-point')).toMatchObject({ outcome: 'unchanged' });
    expect(outcome(resume.result, '34749', 'event-triggered')).toMatchObject({ outcome: 'changed' });
    expect(posts('decision-point', 'play')).toEqual(['52001']);
    expect(h.sims.deltadna.campaign(34749)?.status).toBe('ACTIVE');
  });

  it('a named id is found in whichever kind has it', async () => {
    // Act
    const event = await h.writeEvent({ ...WINDOW, select: { environment: LIVE, kind: 'all', ids: [52001] } });
    const pause = await h.json<WindowResult>(['pause', '--event', event]);

    // Assess
    expect(pause.code).toBe(0);
    expect(posts('decision-point', 'pause')).toEqual(['52001']);
    expect(posts('event-triggered', 'pause')).toEqual([]);
  });

  it('the table shows the kind of each campaign', async () => {
    // Act
    const event = await h.writeEvent({ ...WINDOW, select: { environment: LIVE, kind: 'all' } });
    const run = await h.cli(['pause', '--event', event, '--dry-run']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('kind all');
    expect(run.stdout).toMatch(/34749\s+decision-point/);
  });
});

describe('Scenario: select.kind refused before anything is sent', () => {
  it.each([
    ['a kind deltaDNA does not have', { provider: 'deltadna', select: { environment: LIVE, kind: 'push' } }, /select\.kind: must be one of: "event-triggered", "decision-point", "all"/],
    ['a kind for a vendor with one kind', { provider: 'ocamba', secret: 'campaign-ops/hood', select: { kind: 'all' } }, /select\.kind: ocamba has one kind of campaign/],
  ])('%s: exit 2 naming select.kind, no request', async (_label, request, message) => {
    // Act
    const event = await h.writeEvent({ ...WINDOW, ...request });
    const run = await h.cli(['pause', '--event', event]);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(h.sims.deltadna.requests).toEqual([]);
    expect(h.sims.ocamba.requests).toEqual([]);
  });
});

describe('Scenario: late deliveries per kind of campaign', () => {
  const at = async (action: 'pause' | 'resume', time: string, kind?: string) => {
    const event = await h.writeEvent({ ...WINDOW, select: { environment: LIVE, ...(kind ? { kind } : {}) }, at: time });
    return h.json<WindowResult>([action, '--event', event]);
  };

  it("a decision-point resume makes a late pause stale where it covers decision-point campaigns, and only there (the kind keys the edges)", async () => {
    // Prepare: the decision-point night ran.
    await at('pause', '2026-11-30T22:00:00Z', 'decision-point');
    const resume = await at('resume', '2026-12-01T06:00:00Z', 'decision-point');

    // Act: pauses meant for 22:00, delivered after that resume.
    const eventTriggered = await at('pause', '2026-11-30T22:00:00Z');
    const both = await at('pause', '2026-11-30T22:00:00Z', 'all');

    // Assess
    expect(eventTriggered.result.skipped).toBeUndefined();
    expect(eventTriggered.result.summary.changed).toBe(4);
    expect(both.code).toBe(0);
    expect(both.result.skipped?.staleBecause).toEqual({ action: 'resume', at: '2026-12-01T06:00:00.000Z', runId: resume.result.runId });
    expect(h.sims.deltadna.campaign(52001, 'decision-point')?.status).toBe('ACTIVE');
  });
});
