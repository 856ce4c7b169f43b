import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WindowResult } from '../../functions/core/result.js';
import { startCliHarness, type CliHarness } from '../support/cli-harness.js';

let h: CliHarness;
beforeAll(async () => {
  h = await startCliHarness();
});
afterAll(async () => {
  await h.close();
});

/** Sets the terminal title, clears the screen, colours what follows (also as C1 CSI), and reverses the line. */
const HOSTILE = '\u001b]0;owned\u0007\u001b[2J\u001b[31mPromo\u009b32m \u202eevil\u2066 night\u007f\u0000\r\nshift';
const TERMINAL_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const LONG_REASON = `${'\u001b[5m'}${'the vendor explains at length '.repeat(170)}`.slice(0, 5_000);

const HOSTILE_WINDOW = {
  provider: 'ocamba',
  secret: 'campaign-ops/hood',
  window: 'hostile',
  select: { labels: ['hostile'] },
  reason: 'Overnight maintenance',
};

describe('Command: campaign-ops, with a vendor that sends terminal controls', () => {
  beforeAll(() => {
    // Prepare (shared): a campaign named to take over the terminal, and one whose pause is refused at length.
    h.sims.ocamba.addCampaigns([
      { id: '7000001', name: HOSTILE, labels: ['hostile'], status: 'running', send_strategy: 'immediately' },
      { id: '7000002', name: 'Refused', labels: ['hostile'], status: 'running', send_strategy: 'immediately' },
    ]);
    h.sims.ocamba.inject({
      method: 'POST',
      path: '/v1/hood/campaigns/7000002/pause',
      times: Infinity,
      fault: { status: 422, body: { code: 422, title: LONG_REASON } },
    });
  });

  it('a campaign named with escape sequences prints no escape, BEL or bidi control, and a 5,000-character reason is cut', async () => {
    // Act
    const event = await h.writeEvent(HOSTILE_WINDOW);
    const run = await h.cli(['pause', '--event', event]);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(TERMINAL_CONTROLS);
    expect(run.stderr).not.toMatch(TERMINAL_CONTROLS);
    expect(run.stdout).toMatch(/7000001\s+Promo evil night shift/);
    const refused = run.stdout.split('\n').find((line) => line.includes('7000002'))!;
    expect(refused).toMatch(/the vendor explains at length/);
    expect(refused).toMatch(/…$/);
    expect(refused.length).toBeLessThan(300);
    expect(run.stderr.split('\n').every((line) => line.length < 400)).toBe(true);
  });

  it('the listing of such a campaign is as clean', async () => {
    // Act
    const run = await h.cli(['list', '--provider', 'ocamba', '--secret', 'campaign-ops/hood']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(TERMINAL_CONTROLS);
    expect(run.stdout).toMatch(/7000001\s+Promo evil night shift/);
  });

  it('--json keeps the name exactly, escaped so that a terminal shows it inert', async () => {
    // Act
    const event = await h.writeEvent({ ...HOSTILE_WINDOW, dryRun: true });
    const run = await h.cli(['pause', '--event', event, '--json']);

    // Assess
    expect(run.stdout).not.toMatch(TERMINAL_CONTROLS);
    const result = JSON.parse(run.stdout) as WindowResult;
    expect(result.campaigns.find((c) => c.id === '7000001')?.name).toBe(HOSTILE);
  });

  it('a vendor error with escape sequences in its message is printed inert on stderr', async () => {
    // Prepare
    h.sims.ocamba.inject({ method: 'GET', path: '/v1/hood/campaigns', fault: { status: 400, body: { code: 400, title: HOSTILE } } });

    // Act
    const run = await h.cli(['list', '--provider', 'ocamba', '--secret', 'campaign-ops/hood']);

    // Assess
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/Promo evil night/);
    expect(run.stderr).not.toMatch(TERMINAL_CONTROLS);
  });
});
