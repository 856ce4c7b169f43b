/**
 * A fourth vendor, added as docs/adding-a-vendor.md says and nothing else: its descriptor (with its
 * client), its simulator, and this test. The command, request validation, the window configuration and
 * the stack take it from the registry they are given.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { WindowResult } from '../../functions/core/result.js';
import { VENDORS } from '../../functions/providers/index.js';
import { CampaignOpsStack } from '../../infra/campaign-ops-stack.js';
import type { CampaignOpsConfig } from '../../infra/config/types.js';
import { validateConfig, WindowConfigError } from '../../infra/config/validate.js';
import { acme } from './acme/descriptor.js';
import { startAcmeSim, type AcmeSim } from './acme/sim.js';

const vendors = VENDORS.with(acme);
const WINDOW = { provider: 'acme', secret: 'campaign-ops/acme', window: 'nightly' };

let sim: AcmeSim;
let dir: string;
beforeEach(async () => {
  sim = await startAcmeSim([
    { code: 'ACM-1', title: 'Spring Sale', state: 'live' },
    { code: 'ACM-2', title: 'Welcome', state: 'live' },
    { code: 'ACM-3', title: 'Held by marketing', state: 'on-hold' },
    { code: 'ACM-4', title: 'Not ready', state: 'draft' },
    { code: 'ACM-5', title: 'Receipts [no-pause]', state: 'live' },
  ]);
  dir = await mkdtemp(join(tmpdir(), 'campaign-ops-acme-'));
  await writeFile(join(dir, 'secrets.json'), JSON.stringify({ 'campaign-ops/acme': { apiKey: sim.apiKey, baseUrl: sim.url } }));
});
afterEach(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

/** The command, with the registry that knows Acme. */
const command = async (args: string[], request?: object): Promise<{ code: number; stdout: string; stderr: string }> => {
  if (request) await writeFile(join(dir, 'event.json'), JSON.stringify(request));
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await main([...args, '--secrets', join(dir, 'secrets.json'), '--state', dir], { stdout, stderr, stdin: Readable.from([]), vendors });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
};

describe('Vendor: a fourth vendor from its descriptor alone', () => {
  it('a window pauses its live campaigns at night and resumes exactly those, through the command', async () => {
    // Act
    const pause = await command(['pause', '--event', join(dir, 'event.json'), '--json'], WINDOW);
    const resume = await command(['resume', '--event', join(dir, 'event.json'), '--json'], WINDOW);

    // Assess
    expect(pause.code).toBe(0);
    const paused = JSON.parse(pause.stdout) as WindowResult;
    expect(paused.summary).toMatchObject({ selected: 5, changed: 2, unchanged: 3, failed: 0 });
    expect(sim.requests.filter((r) => r.path.endsWith('/hold')).map((r) => r.path)).toEqual(['/v2/campaigns/ACM-1/hold', '/v2/campaigns/ACM-2/hold']);
    expect(resume.code).toBe(0);
    expect((JSON.parse(resume.stdout) as WindowResult).summary).toMatchObject({ selected: 2, changed: 2 });
    expect(sim.campaign('ACM-1')?.state).toBe('live');
    expect(sim.campaign('ACM-3')?.state).toBe('on-hold');
    expect(sim.campaign('ACM-5')?.state).toBe('live');
  });

  it("lists the vendor's campaigns with `list`", async () => {
    // Act
    const run = await command(['list', '--provider', 'acme', '--secret', 'campaign-ops/acme']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ACM-4\s+Not ready\s+draft/);
  });

  it.each([
    ['an id not of its form', { ...WINDOW, select: { ids: ['1000248'] } }, /select\.ids\[0\]: an acme campaign id is "ACM-"/],
    ['an environment it does not have', { ...WINDOW, select: { environment: 8756 } }, /select\.environment: acme has no environments/],
    ['labels it does not have', { ...WINDOW, select: { labels: ['night-off'] } }, /select\.labels: acme campaigns have no labels \(labels are a selection of ocamba\)/],
  ])('refuses %s before anything is sent, as its descriptor says', async (_label, request, message) => {
    // Act
    const run = await command(['pause', '--event', join(dir, 'event.json')], request);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(sim.requests).toEqual([]);
  });

  it("is unknown to a command given the build's own registry", async () => {
    // Prepare
    await writeFile(join(dir, 'event.json'), JSON.stringify(WINDOW));
    const stderr = new PassThrough();
    const err: Buffer[] = [];
    stderr.on('data', (c: Buffer) => err.push(c));

    // Act
    const code = await main(['pause', '--event', join(dir, 'event.json'), '--secrets', join(dir, 'secrets.json'), '--state', dir], {
      stdout: new PassThrough(),
      stderr,
      stdin: Readable.from([]),
    });

    // Assess
    expect(code).toBe(2);
    expect(Buffer.concat(err).toString()).toMatch(/provider: must be one of: deltadna, ocamba; got "acme"/);
    expect(sim.requests).toEqual([]);
  });

  it('a window configuration with an Acme account and window is valid, and the stack creates its secret with its fields for the window functions only', () => {
    // Prepare
    const config: CampaignOpsConfig = {
      killSwitch: false,
      recipientBuckets: [],
      accounts: [{ secret: 'campaign-ops/acme', provider: 'acme', createSecret: true }],
      windows: [
        {
          name: 'nightly',
          provider: 'acme',
          secret: 'campaign-ops/acme',
          select: { names: ['Spring*'] },
          pause: 'cron(0 22 * * ? *)',
          resume: 'cron(0 6 * * ? *)',
          timeZone: 'Europe/Berlin',
          enabled: true,
        },
      ],
    };

    // Act
    const validated = validateConfig(config, vendors);
    const stack = new CampaignOpsStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'AcmeOps', { config, vendors });
    const template = Template.fromStack(stack);

    // Assess
    expect(validated.windows[0]!.pause.request).toMatchObject({ provider: 'acme', select: { names: ['Spring*'] } });
    expect(() => validateConfig(config)).toThrow(WindowConfigError);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'campaign-ops/acme',
      SecretString: JSON.stringify({ apiKey: '' }),
    });
    const policies = template.findResources('AWS::IAM::Policy');
    const readers = Object.entries(policies)
      .filter(([, policy]) => JSON.stringify(policy).includes('secretsmanager:GetSecretValue'))
      .map(([id]) => id);
    expect(readers.some((id) => id.startsWith('Pause'))).toBe(true);
    expect(readers.some((id) => id.startsWith('Resume'))).toBe(true);
    expect(readers.some((id) => id.startsWith('Populate'))).toBe(false);
    template.hasResourceProperties('AWS::Scheduler::Schedule', { Target: Match.objectLike({ Input: Match.stringLikeRegexp('"provider":"acme"') }) });
  });
});
