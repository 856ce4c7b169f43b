import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PopulateResult } from '../../functions/core/populate-result.js';
import { startCliHarness, type CliHarness } from '../support/cli-harness.js';

let h: CliHarness;
beforeAll(async () => {
  h = await startCliHarness();
});
afterAll(async () => {
  await h.close();
});

const POPULATE = {
  provider: 'kahuna',
  secret: 'campaign-ops/kahuna-sandbox',
  env: 's',
  campaign_config: { campaign_id: 999, cred_type: 'email' },
  default_params: { k_send_ts: 1767225600 },
  // The vendor allows one status read per job every 30 s: not followed in tests.
  wait: false,
};

describe('Command: campaign-ops', () => {
  it('lists the environments a deltaDNA key can see', async () => {
    // Act
    const run = await h.cli(['environments', '--provider', 'deltadna', '--secret', 'campaign-ops/deltaslot-live']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/8756\s+DeltaSlot\s+Live/);
  });

  it('lists the campaigns of one environment, as JSON on request', async () => {
    // Act
    const run = await h.json<{ id: string; environment: number }[]>(['list', '--provider', 'deltadna', '--secret', 'campaign-ops/deltaslot-live', '--environment', 'DeltaSlot/Live']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.result.map((c) => c.id)).toContain('34751');
    expect(run.result.every((c) => c.environment === 8756)).toBe(true);
  });

  it('populates from a JSON Lines file, streamed, and reports each request and job', async () => {
    // Act
    const event = await h.writeEvent({ ...POPULATE, recipients: { file: 'events/recipients-sample.jsonl' } });
    const run = await h.json<PopulateResult>(['populate', '--event', event]);

    // Assess
    expect(run.code).toBe(0);
    expect(run.result.summary).toMatchObject({ recipients: 3, valid: 3, requests: 1, submitted: 1 });
    expect(run.result.requests[0]!.jobId).toMatch(/^\d+$/);
    expect(h.sims.kahuna.jobs.at(-1)?.recipients).toBe(3);
  });

  it('refuses a populate with an invalid recipient: exit 2, index and field named, nothing sent', async () => {
    // Prepare
    const before = h.sims.kahuna.requests.length;

    // Act
    const event = await h.writeEvent({ ...POPULATE, recipient_list: [{ k_to: ['a@example.com'] }, { k_to: 'b@example.com' }] });
    const run = await h.cli(['populate', '--event', event]);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/recipient_list\[1\]\.k_to/);
    expect(h.sims.kahuna.requests.length).toBe(before);
  });

  it('shows a readable table of a populate', async () => {
    // Act
    const event = await h.writeEvent({ ...POPULATE, recipient_list: [{ k_to: ['a@example.com'] }] });
    const run = await h.cli(['populate', '--event', event]);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/populate · kahuna · campaign-ops\/kahuna-sandbox · env s · campaign 999/);
    expect(run.stdout).toMatch(/1 recipients \(1 valid, 0 invalid\) in 1 requests/);
  });

  it('a populate whose credentials the vendor refuses exits 2 and says so', async () => {
    // Prepare
    const { readFile, writeFile } = await import('node:fs/promises');
    const secrets = JSON.parse(await readFile(h.secretsFile, 'utf8')) as Record<string, Record<string, string>>;
    secrets['campaign-ops/kahuna-wrong'] = { ...secrets['campaign-ops/kahuna-sandbox']!, apiKey: 'wrong-api-key' };
    await writeFile(h.secretsFile, JSON.stringify(secrets));

    // Act
    const event = await h.writeEvent({ ...POPULATE, secret: 'campaign-ops/kahuna-wrong', recipient_list: [{ k_to: ['a@example.com'] }] });
    const run = await h.cli(['populate', '--event', event]);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/401/);
    expect(run.stdout + run.stderr).not.toContain('wrong-api-key');
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['pause'], /pause needs --event FILE/],
    [['pause', '--event', 'x.json', '--bogus'], /Unknown option '--bogus'/],
    [['list', '--provider', 'deltadna'], /list needs --provider and --secret/],
    [['list', '--provider', 'braze', '--secret', 'x'], /provider: must be one of deltadna, ocamba/],
    [['pause', '--event', '/nonexistent/request.json'], /event file \/nonexistent\/request.json could not be read/],
    [['list', '--provider', 'deltadna', '--secret', 'x', '--dry-run'], /list does not take --dry-run/],
    [['demo', '--event', 'x.json'], /demo does not take --event/],
  ])('%j is a usage problem: exit 2 with a clear message', async (args, message) => {
    // Act
    const run = await h.cli(args);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('prints its usage with exit 0', async () => {
    // Act
    const run = await h.cli(['--help']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Exit status: 0 every selected campaign is as wanted/);
  });
});
