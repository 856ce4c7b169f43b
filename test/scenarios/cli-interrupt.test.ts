import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { FileWindowStore } from '../../functions/adapters/local/file-window-store.js';
import type { WindowResult } from '../../functions/core/result.js';
import { startCliHarness, type CliHarness } from '../support/cli-harness.js';

const PUZZLE_QUEST_DEV = 9120;
const BULK = Array.from({ length: 30 }, (_, i) => ({
  id: 81_000 + i,
  name: `Bulk ${String(i).padStart(2, '0')}`,
  environment: PUZZLE_QUEST_DEV,
  status: 'ACTIVE' as const,
}));
const WINDOW = {
  provider: 'deltadna',
  secret: 'campaign-ops/deltaslot-live',
  window: 'interrupted',
  select: { environment: PUZZLE_QUEST_DEV, names: ['Bulk*'] },
};
const ACCOUNT = { provider: 'deltadna', account: WINDOW.secret };

let h: CliHarness;
beforeAll(async () => {
  h = await startCliHarness();
  h.sims.deltadna.addCampaigns(BULK);
});
afterAll(async () => {
  await h.close();
});

/** Progress lines on stderr (not a terminal): one per campaign handled. */
const handled = (stderr: string): number => (stderr.match(/^pause: \d+\/\d+ /gm) ?? []).length;
const pausedAtVendor = (): number => BULK.filter((c) => h.sims.deltadna.campaign(c.id)?.status === 'PAUSED').length;
const pausePosts = (id: number): number =>
  h.stateChangingRequests().filter((r) => r.vendor === 'deltadna' && r.path.endsWith(`/${id}/pause`)).length;

describe('Scenario: Ctrl-C during a window run from the command line', () => {
  let first: Awaited<ReturnType<CliHarness['cli']>>;
  let store: FileWindowStore;

  beforeAll(async () => {
    // Act (shared): Ctrl-C once three campaigns were paused.
    const event = await h.writeEvent(WINDOW);
    first = await h.cli(['pause', '--event', event], '', { interruptWhen: (stderr) => handled(stderr) >= 3 });
    store = new FileWindowStore({ stateDir: h.stateDir });
  });

  it('exits 130 with "interrupted: run again to settle" and the table of what was done', async () => {
    // Assess
    const rows = first.stdout.split('\n').filter((line) => /\bBulk \d\d\b/.test(line));
    expect(first.code).toBe(130);
    expect(first.stderr).toMatch(/^interrupted: run again to settle$/m);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.length).toBeLessThan(BULK.length);
    expect(rows.every((row) => row.includes('changed'))).toBe(true);
    expect(first.stdout).toContain(`not started: ${BULK.length - rows.length} (interrupted)`);
  });

  it('started no campaign after the stop, and recorded every one it paused in the window state', async () => {
    // Assess
    const rows = first.stdout.split('\n').filter((line) => /\bBulk \d\d\b/.test(line)).length;
    const entries = await store.list({ ...ACCOUNT, window: WINDOW.window });
    expect(pausedAtVendor()).toBe(rows);
    expect(entries).toHaveLength(rows);
    expect(entries.every((e) => e.state === 'paused')).toBe(true);
  });

  it('gave the account back at once: another run takes it without waiting for the lease to expire', async () => {
    // Act
    const taken = await store.acquire(ACCOUNT, 'another-run', 60_000);
    await store.release(ACCOUNT, 'another-run');

    // Assess
    expect(taken).toBe(true);
  });

  it('running again settles everything, each campaign paused once', async () => {
    // Prepare
    const before = pausedAtVendor();

    // Act
    const event = await h.writeEvent(WINDOW);
    const again = await h.json<WindowResult>(['pause', '--event', event]);

    // Assess
    expect(again.code).toBe(0);
    expect(again.result.interrupted).toBeUndefined();
    expect(again.result.summary).toMatchObject({ selected: BULK.length, changed: BULK.length - before, unchanged: before });
    expect(pausedAtVendor()).toBe(BULK.length);
    expect(BULK.every((c) => pausePosts(c.id) === 1)).toBe(true);
  });
});

describe('Scenario: Ctrl-C during a populate from the command line', () => {
  it('sends nothing after the stop, says so, and exits 130', async () => {
    // Prepare
    const before = h.sims.kahuna.requests.length;
    const event = await h.writeEvent({
      provider: 'kahuna',
      secret: 'campaign-ops/kahuna-sandbox',
      env: 's',
      campaign_config: { campaign_id: 999, cred_type: 'email' },
      recipient_list: [{ k_to: ['a@example.com'] }],
      wait: false,
    });

    // Act: Ctrl-C as soon as the command says it is about to send.
    const run = await h.cli(['populate', '--event', event], '', { interruptWhen: (stderr) => stderr.includes('populate: sending') });

    // Assess
    expect(run.code).toBe(130);
    expect(run.stdout).toMatch(/error: interrupted: no further request was sent; recipients from \d+ on were not sent/);
    expect(run.stderr).toMatch(/^interrupted: the requests listed were sent, the rest were not/m);
    expect(h.sims.kahuna.requests.length).toBe(before);
  });
});

describe('Scenario: Ctrl-C during list', () => {
  it('reads no further page, shows what it has, says the list may be incomplete and exits 130', async () => {
    // Prepare: the stop has come before the first campaign arrives
    h.sims.deltadna.resetRequests();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const err: Buffer[] = [];
    stderr.on('data', (chunk: Buffer) => err.push(chunk));

    // Act
    const code = await main(['list', '--provider', 'deltadna', '--secret', WINDOW.secret, '--secrets', h.secretsFile, '--state', h.stateDir], {
      stdout,
      stderr,
      stdin: Readable.from([]),
      signal: AbortSignal.abort(),
    });

    // Assess
    expect(code).toBe(130);
    expect(Buffer.concat(err).toString()).toContain('interrupted: the list above may be incomplete');
    expect(h.sims.deltadna.requests.filter((r) => r.path.startsWith('/api/engage/v1/campaigns/')).length).toBeLessThanOrEqual(1);
  });
});
