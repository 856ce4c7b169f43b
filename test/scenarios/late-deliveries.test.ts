import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WindowResult } from '../../functions/core/result.js';
import { startCliHarness, type CliHarness } from '../support/cli-harness.js';

const OCAMBA = { provider: 'ocamba', secret: 'campaign-ops/hood', window: 'nightly', select: { labels: ['night-off'] }, reason: 'Overnight maintenance' };
const DELTADNA = { provider: 'deltadna', secret: 'campaign-ops/deltaslot-live', window: 'nightly', select: { environment: 8756 } };
/** The labelled campaigns a window pauses (1000247 a person paused, 1000249 opts out). */
const PAUSED_BY_WINDOW = ['1000241', '1000242', '1000244', '1000248'];
const AS_BEFORE = ['running', 'running', 'scheduled', 'running'];
const PAUSED = ['paused', 'paused', 'paused', 'paused'];

let h: CliHarness;
beforeEach(async () => {
  h = await startCliHarness();
});
afterEach(async () => {
  await h.close();
});

/** An EventBridge event as the bus delivers it, with its time. */
const envelope = (detailType: string, time: string, detail: object) => ({
  version: '0',
  id: `event-${time}`,
  'detail-type': detailType,
  source: 'release-pipeline',
  account: '123456789012',
  time,
  region: 'eu-central-1',
  resources: [],
  detail,
});

const run = async (action: 'pause' | 'resume', request: object) => h.json<WindowResult>([action, '--event', await h.writeEvent(request)]);
const statuses = () => PAUSED_BY_WINDOW.map((id) => h.sims.ocamba.campaign(id)?.status);
const stateChanges = () => h.stateChangingRequests().length;

describe('Scenario: late deliveries never act out of order (CLI)', () => {
  it('a Maintenance Started whose time precedes the Maintenance Finished already run pauses nothing and exits 0, skipped', async () => {
    // Prepare: the night ran; its Maintenance Started is delivered again, late.
    const started = envelope('Maintenance Started', '2026-11-30T22:00:00Z', OCAMBA);
    expect((await run('pause', started)).result.summary.changed).toBe(4);
    expect((await run('resume', envelope('Maintenance Finished', '2026-12-01T06:00:00Z', OCAMBA))).result.summary.changed).toBe(4);
    const sent = stateChanges();

    // Act
    const late = await run('pause', started);
    const table = await h.cli(['pause', '--event', await h.writeEvent(started)]);

    // Assess
    expect(late.code).toBe(0);
    expect(late.result.skipped).toMatchObject({ at: '2026-11-30T22:00:00.000Z', staleBecause: { action: 'resume', at: '2026-12-01T06:00:00.000Z' } });
    expect(late.result.campaigns).toEqual([]);
    expect(late.result.summary).toMatchObject({ selected: 0, changed: 0 });
    expect(stateChanges()).toBe(sent);
    expect(statuses()).toEqual(AS_BEFORE);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('skipped: delivered late');
  });

  it('a Scheduler pause carrying a scheduled time before the window\'s last resume does the same', async () => {
    // Prepare
    await run('pause', { ...OCAMBA, at: '2026-11-30T22:00:00Z' });
    const resume = await run('resume', { ...OCAMBA, at: '2026-11-30T22:30:00Z' });
    const sent = stateChanges();

    // Act: the 22:00 pause, delivered again by Scheduler's retries after the 22:30 resume ran.
    const late = await run('pause', { ...OCAMBA, at: '2026-11-30T22:00:00Z' });

    // Assess
    expect(late.code).toBe(0);
    expect(late.result.skipped?.staleBecause).toEqual({ action: 'resume', at: '2026-11-30T22:30:00.000Z', runId: resume.result.runId });
    expect(stateChanges()).toBe(sent);
    expect(statuses()).toEqual(AS_BEFORE);
  });

  it("yesterday's Maintenance Finished arriving after tonight's Maintenance Started does not end tonight's window", async () => {
    // Prepare
    await run('pause', envelope('Maintenance Started', '2026-11-30T22:00:00Z', OCAMBA));

    // Act
    const late = await run('resume', envelope('Maintenance Finished', '2026-11-30T06:00:00Z', OCAMBA));

    // Assess
    expect(late.code).toBe(0);
    expect(late.result.skipped?.staleBecause).toMatchObject({ action: 'pause', at: '2026-11-30T22:00:00.000Z' });
    expect(statuses()).toEqual(PAUSED);
  });

  it('a normal night is unchanged: pause, its duplicate, the resume, and a pause by hand the next evening all act', async () => {
    // Act: on deltaDNA, whose client keeps no rate window, so no run waits on a vendor limit in real time.
    const pause = await run('pause', { ...DELTADNA, at: '2026-11-30T22:00:00Z' });
    const duplicate = await run('pause', { ...DELTADNA, at: '2026-11-30T22:00:00Z' });
    const resume = await run('resume', { ...DELTADNA, at: '2026-12-01T06:00:00Z' });
    const byHand = await run('pause', DELTADNA);

    // Assess
    expect([pause, duplicate, resume, byHand].map((r) => [r.code, r.result.skipped])).toEqual([[0, undefined], [0, undefined], [0, undefined], [0, undefined]]);
    expect(pause.result.summary.changed).toBe(4);
    expect(duplicate.result.summary).toMatchObject({ changed: 0, unchanged: 8 });
    expect(resume.result.summary.changed).toBe(4);
    expect(byHand.result.summary.changed).toBe(4);
    expect(h.sims.deltadna.campaign(34749)?.status).toBe('PAUSED');
  });
});
