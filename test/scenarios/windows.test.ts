import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileWindowStore } from '../../functions/adapters/local/file-window-store.js';
import type { WindowResult } from '../../functions/core/result.js';
import { systemClock } from '../../functions/core/clock.js';
import { outcomeOf, startCliHarness, type CliHarness } from '../support/cli-harness.js';
import { clockAhead } from '../support/clock.js';

const DELTADNA = { provider: 'deltadna', secret: 'campaign-ops/deltaslot-live', window: 'nightly', select: { environment: 8756 } };
/** How long the CLI's account lease lasts without renewal, and when a state-file lock left behind is stale. */
const LOCAL_LEASE_MS = 6_000;
const STALE_LOCK_MS = 10_000;
const OCAMBA = { provider: 'ocamba', secret: 'campaign-ops/hood', window: 'nightly', select: { labels: ['night-off'] }, reason: 'Overnight maintenance' };

let h: CliHarness;
beforeEach(async () => {
  h = await startCliHarness();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await h.close();
});

const run = (action: 'pause' | 'resume', request: object, extra: string[] = []) => h.window(action, request, extra);

const posts = (vendor: 'deltadna' | 'ocamba', suffix: RegExp) =>
  h.sims[vendor].requests.filter((r) => r.method === 'POST' && suffix.test(r.path)).map((r) => r.path.split('/').at(-2));

describe('Scenario: overnight round trip', () => {
  it('deltaDNA: pauses what runs in the environment at night and resumes exactly that in the morning', async () => {
    // Act
    const pause = await run('pause', DELTADNA);
    const resume = await run('resume', DELTADNA);

    // Assess
    expect(pause.code).toBe(0);
    expect(pause.result.summary).toMatchObject({ selected: 8, changed: 4, unchanged: 4, rejected: 0, failed: 0 });
    expect(outcomeOf(pause.result, '34754')).toMatchObject({ before: 'scheduled', after: 'paused', outcome: 'changed' });
    expect(posts('deltadna', /\/pause$/).sort()).toEqual(['34749', '34750', '34754', '34756']);
    expect(resume.code).toBe(0);
    expect(resume.result.summary).toMatchObject({ selected: 4, changed: 4 });
    expect(posts('deltadna', /\/play$/).sort()).toEqual(['34749', '34750', '34754', '34756']);
    expect(h.sims.deltadna.campaign(34749)?.status).toBe('ACTIVE');
    expect(h.sims.deltadna.campaign(34754)?.status).toBe('SCHEDULED');
    // Other environments were never touched.
    expect(h.sims.deltadna.campaign(34701)?.status).toBe('ACTIVE');
  });

  it('Ocamba: pauses the labelled campaigns with the reason and resumes them', async () => {
    // Act
    const pause = await run('pause', OCAMBA);
    const resume = await run('resume', OCAMBA);

    // Assess
    expect(pause.code).toBe(0);
    expect(posts('ocamba', /\/pause$/).sort()).toEqual(['1000241', '1000242', '1000244', '1000248']);
    expect(h.sims.ocamba.requests.find((r) => r.path.endsWith('/pause'))?.body).toEqual({ reason: 'Overnight maintenance' });
    expect(outcomeOf(pause.result, '1000249')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('campaign-ops:skip') });
    expect(resume.code).toBe(0);
    expect(posts('ocamba', /\/resume$/).sort()).toEqual(['1000241', '1000242', '1000244', '1000248']);
    expect(h.sims.ocamba.campaign('1000244')?.status).toBe('scheduled');
    expect(h.sims.ocamba.campaign('1000248')?.status).toBe('running');
    expect(h.sims.ocamba.throttledCount).toBe(0);
  });

  it('a second resume is all unchanged and sends nothing', async () => {
    // Prepare
    await run('pause', OCAMBA);
    await run('resume', OCAMBA);
    h.sims.ocamba.resetRequests();

    // Act
    const again = await run('resume', OCAMBA);

    // Assess
    expect(again.code).toBe(0);
    expect(again.result.summary).toMatchObject({ selected: 4, changed: 0, unchanged: 4 });
    expect(again.result.campaigns.every((c) => c.detail.startsWith('already resumed by window nightly'))).toBe(true);
    expect(h.stateChangingRequests()).toEqual([]);
  });
});

describe('Scenario: a secret named by name at night and by ARN in the morning', () => {
  const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:campaign-ops/deltaslot-live-AbCdEf';

  it('the resume by ARN resumes exactly what the pause by name paused, reusing its token', async () => {
    // Prepare
    const pause = await run('pause', DELTADNA);
    h.sims.deltadna.resetRequests();

    // Act
    const resume = await run('resume', { ...DELTADNA, secret: ARN });

    // Assess
    expect(pause.code).toBe(0);
    expect(resume.code).toBe(0);
    expect(resume.result.summary).toMatchObject({ selected: 4, changed: 4 });
    expect(posts('deltadna', /\/play$/).sort()).toEqual(['34749', '34750', '34754', '34756']);
    expect(h.sims.deltadna.requests.filter((r) => r.path.includes('/authenticate'))).toEqual([]);
  });
});

describe('Scenario: a secret with a very long name', () => {
  it('pauses and resumes with state, lease and token files whose names fit', async () => {
    // Prepare: the longest name Secrets Manager allows, holding the simulator's deltaDNA account.
    const { readFile, writeFile } = await import('node:fs/promises');
    const secret = `campaign-ops/${'d'.repeat(499)}`;
    const secrets = JSON.parse(await readFile(h.secretsFile, 'utf8')) as Record<string, unknown>;
    await writeFile(h.secretsFile, JSON.stringify({ ...secrets, [secret]: secrets[DELTADNA.secret] }));
    const request = { ...DELTADNA, secret, window: `n${'.'.repeat(63)}` };

    // Act
    const pause = await run('pause', request);
    const resume = await run('resume', request);

    // Assess
    expect(pause.code).toBe(0);
    expect(pause.result.summary).toMatchObject({ changed: 4, failed: 0 });
    expect(resume.code).toBe(0);
    expect(resume.result.summary).toMatchObject({ changed: 4, failed: 0 });
  });
});

describe('Scenario: people win', () => {
  it('a campaign a person paused before the window stays paused after the morning resume', async () => {
    // Act
    const pause = await run('pause', DELTADNA);
    await run('resume', DELTADNA);

    // Assess
    expect(outcomeOf(pause.result, '34752')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('already paused before window nightly') });
    expect(h.sims.deltadna.campaign(34752)?.status).toBe('PAUSED');
    expect(posts('deltadna', /\/(pause|play)$/)).not.toContain('34752');
  });

  it('a campaign a person resumed during the window is left as they left it', async () => {
    // Prepare
    await run('pause', DELTADNA);
    h.sims.deltadna.setStatus(34756, 'ACTIVE');

    // Act
    const resume = await run('resume', DELTADNA);

    // Assess
    expect(resume.code).toBe(0);
    expect(outcomeOf(resume.result, '34756')).toMatchObject({ outcome: 'unchanged', detail: expect.stringContaining('resumed by someone during window nightly') });
    expect(posts('deltadna', /\/play$/)).not.toContain('34756');
  });

  it('a campaign cancelled during the window stays cancelled', async () => {
    // Prepare
    await run('pause', OCAMBA);
    h.sims.ocamba.setStatus('1000244', 'canceled');

    // Act
    const resume = await run('resume', OCAMBA);

    // Assess
    expect(resume.code).toBe(0);
    expect(outcomeOf(resume.result, '1000244')).toMatchObject({ outcome: 'unchanged', before: 'ended', detail: expect.stringContaining('ended during window nightly') });
    expect(h.sims.ocamba.campaign('1000244')?.status).toBe('canceled');
  });

  it('a campaign a person paused again during the window is resumed by scope "selection" only when asked', async () => {
    // Prepare
    await run('pause', OCAMBA);

    // Act
    const resume = await run('resume', { ...OCAMBA, scope: 'selection', select: { labels: ['night-off'] } });

    // Assess: scope "selection" resumes every selected paused campaign, the person's one too.
    expect(resume.code).toBe(0);
    expect(outcomeOf(resume.result, '1000247')).toMatchObject({ outcome: 'changed' });
    expect(h.sims.ocamba.campaign('1000247')?.status).toBe('running');
    expect(outcomeOf(resume.result, '1000249')).toMatchObject({ outcome: 'unchanged' });
  });
});

describe('Scenario: drafts and refusals', () => {
  it('drafts are left alone without asking the vendor', async () => {
    // Act
    const pause = await run('pause', DELTADNA);

    // Assess
    expect(outcomeOf(pause.result, '34751')).toMatchObject({ outcome: 'unchanged', before: 'draft', detail: expect.stringContaining('draft') });
    expect(posts('deltadna', /\/pause$/)).not.toContain('34751');
  });

  it('explicit ids the vendor refuses are rejected with its message and exit 1', async () => {
    // Act
    const pause = await run('pause', { ...DELTADNA, select: { environment: 8756, ids: ['34751', '34749'] } });

    // Assess
    expect(pause.code).toBe(1);
    expect(outcomeOf(pause.result, '34751')).toMatchObject({ outcome: 'rejected', detail: expect.stringMatching(/finalised.*HTTP 400/) });
    expect(outcomeOf(pause.result, '34749')).toMatchObject({ outcome: 'changed' });
    expect(pause.result.summary).toMatchObject({ selected: 2, changed: 1, rejected: 1 });
    // A refused pause leaves nothing in the window's state to resume.
    const entries = await new FileWindowStore({ stateDir: h.stateDir }).list({ provider: 'deltadna', account: DELTADNA.secret, window: 'nightly' });
    expect(entries.map((e) => e.campaignId)).toEqual(['34749']);
  });

  it('an id the vendor does not know is rejected with its message', async () => {
    // Act
    const pause = await run('pause', { ...OCAMBA, select: { ids: ['9999999'] } });

    // Assess
    expect(pause.code).toBe(1);
    expect(outcomeOf(pause.result, '9999999')).toMatchObject({ outcome: 'rejected' });
  });

  it('a vendor failing every attempt leaves the campaign failed, the others done, and exit 1', async () => {
    // Prepare
    // Every attempt fails, whatever its timing: full jitter draws 0, so the retries go at once, not over seconds.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    h.sims.ocamba.inject({ method: 'POST', path: '/v1/hood/campaigns/1000248/pause', times: Infinity, fault: { status: 503, body: { code: 503, title: 'Unavailable' } } });
    h.sims.ocamba.inject({ method: 'GET', path: '/v1/hood/campaigns/1000248', times: Infinity, fault: { status: 503, body: { code: 503, title: 'Unavailable' } } });

    // Act
    const pause = await run('pause', OCAMBA);

    // Assess
    expect(pause.code).toBe(1);
    expect(outcomeOf(pause.result, '1000248')).toMatchObject({ outcome: 'failed', detail: expect.stringContaining('503') });
    expect(pause.result.summary).toMatchObject({ changed: 3, failed: 1 });
  }, 60_000);
});

describe('Scenario: dry run', () => {
  it('plans every campaign and sends no state-changing request', async () => {
    // Act
    const pause = await run('pause', DELTADNA, ['--dry-run']);

    // Assess
    expect(pause.code).toBe(0);
    expect(pause.result.dryRun).toBe(true);
    expect(pause.result.summary).toMatchObject({ planned: 4, unchanged: 4, changed: 0 });
    expect(h.stateChangingRequests()).toEqual([]);
    const entries = await new FileWindowStore({ stateDir: h.stateDir }).list({ provider: 'deltadna', account: DELTADNA.secret, window: 'nightly' });
    expect(entries).toEqual([]);
  });

  it('"dryRun": true in the request is honoured too', async () => {
    // Act
    const pause = await run('pause', { ...OCAMBA, dryRun: true });

    // Assess
    expect(pause.result.summary.planned).toBe(4);
    expect(h.stateChangingRequests()).toEqual([]);
  });
});

describe('Scenario: duplicate delivery', () => {
  it('two identical pause runs at once both exit 0 with every campaign paused and the state complete', async () => {
    // Act
    const event = await h.writeEvent(OCAMBA);
    const [a, b] = await Promise.all([h.json<WindowResult>(['pause', '--event', event]), h.json<WindowResult>(['pause', '--event', event])]);

    // Assess
    expect([a.code, b.code]).toEqual([0, 0]);
    for (const id of ['1000241', '1000242', '1000244', '1000248']) expect(h.sims.ocamba.campaign(id)?.status).toBe('paused');
    const entries = await new FileWindowStore({ stateDir: h.stateDir }).list({ provider: 'ocamba', account: OCAMBA.secret, window: 'nightly' });
    expect(entries.map((e) => [e.campaignId, e.state, e.before]).sort()).toEqual([
      ['1000241', 'paused', 'running'],
      ['1000242', 'paused', 'running'],
      ['1000244', 'paused', 'scheduled'],
      ['1000248', 'paused', 'running'],
    ]);
    expect(posts('ocamba', /\/pause$/).sort()).toEqual(['1000241', '1000242', '1000244', '1000248']);
  });
});

describe('Scenario: a run killed half-way', () => {
  it('is re-run and converges: every campaign paused once, the state complete, the morning resume exact', async () => {
    // Prepare: a slow vendor, so the process can be killed between two pauses.
    await h.close();
    h = await startCliHarness({ latencyMs: 150 });
    const event = await h.writeEvent(DELTADNA);
    const child = spawn(process.execPath, ['bin/campaign-ops.js', 'pause', '--event', event, '--secrets', h.secretsFile, '--state', h.stateDir], {
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 20_000;
    while (posts('deltadna', /\/pause$/).length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));

    // Act
    child.kill('SIGKILL');
    await exited;
    const killedAfter = posts('deltadna', /\/pause$/).length;
    // What the killed run held blocks the next run until it runs out: its lease (6 s) and a state-file lock it
    // may have died holding (stale after 10 s). The re-run comes after that, on a clock that much ahead,
    // instead of waiting it out in real time.
    const later = clockAhead(Math.max(LOCAL_LEASE_MS, STALE_LOCK_MS) + 1, systemClock);
    const rerun = await h.json<WindowResult>(['pause', '--event', event], { clock: later });
    const stateAfterRerun = await new FileWindowStore({ stateDir: h.stateDir }).list({ provider: 'deltadna', account: DELTADNA.secret, window: 'nightly' });
    const resume = await h.json<WindowResult>(['resume', '--event', event], { clock: later });

    // Assess
    expect(killedAfter).toBeGreaterThanOrEqual(1);
    expect(rerun.code).toBe(0);
    expect(stateAfterRerun.map((e) => [e.campaignId, e.state]).sort()).toEqual([
      ['34749', 'paused'],
      ['34750', 'paused'],
      ['34754', 'paused'],
      ['34756', 'paused'],
    ]);
    for (const id of [34749, 34750, 34754, 34756]) expect(['ACTIVE', 'SCHEDULED']).toContain(h.sims.deltadna.campaign(id)?.status);
    expect(resume.code).toBe(0);
    expect(resume.result.summary).toMatchObject({ selected: 4, changed: 4, failed: 0 });
    expect(h.sims.deltadna.campaign(34752)?.status).toBe('PAUSED');
  }, 60_000);
});

describe('Scenario: invalid requests', () => {
  const invalid: [string, unknown, RegExp][] = [
    ['no provider', { secret: 's', window: 'nightly' }, /provider: is required/],
    ['an unknown provider', { ...DELTADNA, provider: 'braze' }, /provider: must be one of/],
    ['kahuna for a window', { ...DELTADNA, provider: 'kahuna' }, /provider: kahuna campaigns are populated/],
    ['deltaDNA without an environment', { ...DELTADNA, select: {} }, /select\.environment: is required for deltadna/],
    ['an environment and allEnvironments', { ...DELTADNA, select: { environment: 8756, allEnvironments: true } }, /select\.allEnvironments/],
    ['a bad window name', { ...DELTADNA, window: 'night ly!' }, /window: must be/],
    ['a typo in a field', { ...DELTADNA, dryrun: true }, /dryrun: unknown field/],
    ['a regex where a glob goes', { ...DELTADNA, select: { environment: 8756, names: ['^Promo.*$'] } }, /select\.names\[0\]: is a glob/],
    ['labels on deltaDNA', { ...DELTADNA, select: { environment: 8756, labels: ['x'] } }, /select\.labels/],
    ['an environment on Ocamba', { ...OCAMBA, select: { environment: 1 } }, /select\.environment: ocamba has no environments/],
    ['dryRun not a boolean', { ...OCAMBA, dryRun: 'yes' }, /dryRun: must be true or false/],
    ['ids not strings', { ...OCAMBA, select: { ids: [{}] } }, /select\.ids\[0\]/],
    ['a secret that is not in the secrets file', { ...OCAMBA, secret: 'campaign-ops/unknown' }, /campaign-ops\/unknown/],
    ['not an object', [1, 2], /must be a JSON object/],
    ['an empty list of ids', { ...OCAMBA, select: { ids: [] } }, /select\.ids: an empty list selects nothing; leave the field out to select everything/],
    ['an empty list of names', { ...DELTADNA, select: { environment: 8756, names: [] } }, /select\.names: an empty list selects nothing/],
    ['the campaign id ".."', { ...OCAMBA, select: { ids: ['1000248', '..'] } }, /select\.ids\[1\]: an ocamba campaign id is a string of digits/],
    ['the campaign id "."', { ...DELTADNA, select: { environment: 8756, ids: ['.'] } }, /select\.ids\[0\]: a deltadna campaign id is a number/],
    ['1,001 ids', { ...OCAMBA, select: { ids: Array.from({ length: 1_001 }, (_, i) => String(i + 1)) } }, /select\.ids: has 1001 entries; at most 1000/],
    ['51 name globs', { ...OCAMBA, select: { names: Array.from({ length: 51 }, () => 'a*') } }, /select\.names: has 51 entries; at most 50/],
    ['a name glob of 257 characters', { ...OCAMBA, select: { names: ['*'.repeat(257)] } }, /select\.names\[0\]: is 257 characters long; at most 256/],
  ];

  it.each(invalid)('%s → exit 2, the field named, nothing sent', async (_, request, message) => {
    // Act
    const event = await h.writeEvent(request);
    const result = await h.cli(['pause', '--event', event]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect([...h.sims.deltadna.requests, ...h.sims.ocamba.requests]).toEqual([]);
  });

  it('a 1 MB provider and 100,000 invalid ids give a few short lines, not megabytes', async () => {
    // Act
    const event = await h.writeEvent({ ...OCAMBA, provider: 'p'.repeat(1_000_000), select: { ids: Array.from({ length: 100_000 }, () => 'x') } });
    const result = await h.cli(['pause', '--event', event]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/provider: must be one of: deltadna, ocamba; got "p+…/);
    expect(result.stderr).toMatch(/select\.ids: has 100000 entries; at most 1000 are allowed/);
    expect(result.stderr.length).toBeLessThan(1_000);
    expect([...h.sims.deltadna.requests, ...h.sims.ocamba.requests]).toEqual([]);
  });

  it('reports every problem of a request at once', async () => {
    // Act
    const event = await h.writeEvent({ provider: 'deltadna', window: '', select: { ids: 'x' }, scope: 'all' });
    const result = await h.cli(['pause', '--event', event]);

    // Assess
    expect(result.code).toBe(2);
    for (const field of ['secret:', 'window:', 'select.ids:', 'select.environment:', 'scope:']) expect(result.stderr).toContain(field);
  });

  it('a file that is not JSON → exit 2 naming the file', async () => {
    // Act
    const event = await h.writeEvent('{ "provider": ', 'broken.json');
    const result = await h.cli(['resume', '--event', event]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/broken\.json is not valid JSON/);
  });

  it('an environment the key cannot see → exit 2 listing those it can', async () => {
    // Act
    const event = await h.writeEvent({ ...DELTADNA, select: { environment: 'DeltaSlot/Staging' } });
    const result = await h.cli(['pause', '--event', event]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/select\.environment: "DeltaSlot\/Staging" is not an environment this key can see.*8756 \(DeltaSlot\/Live\)/);
    expect(h.stateChangingRequests()).toEqual([]);
  });

  it('wrong credentials → exit 2 and the secret value nowhere in the output', async () => {
    // Prepare
    const { writeFile } = await import('node:fs/promises');
    await writeFile(h.secretsFile, JSON.stringify({ 'campaign-ops/hood': { token: 'wrong-token-s3cr3t', baseUrl: h.sims.ocamba.url } }));

    // Act
    const event = await h.writeEvent(OCAMBA);
    const result = await h.cli(['pause', '--event', event]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/401/);
    expect(result.stderr + result.stdout).not.toContain('wrong-token-s3cr3t');
    expect(h.stateChangingRequests()).toEqual([]);
  });

  it('a baseUrl with user:password in the secret → exit 2 before any request, the password never printed', async () => {
    // Prepare
    const { writeFile } = await import('node:fs/promises');
    const baseUrl = h.sims.ocamba.url.replace('http://', 'http://ops:pa55-s3cr3t@');
    await writeFile(h.secretsFile, JSON.stringify({ 'campaign-ops/hood': { token: 'token', baseUrl } }));

    // Act
    const event = await h.writeEvent(OCAMBA);
    const result = await h.cli(['pause', '--event', event]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/secret campaign-ops\/hood: baseUrl: must not contain credentials/);
    expect(result.stderr + result.stdout).not.toContain('pa55-s3cr3t');
    expect(h.sims.ocamba.requests).toEqual([]);
  });

  it('a corrupt state file → exit 2 naming the file, nothing sent and the file left as it was', async () => {
    // Prepare
    const { mkdir, readFile, writeFile } = await import('node:fs/promises');
    const { dirname } = await import('node:path');
    const path = new FileWindowStore({ stateDir: h.stateDir }).windowPath({ provider: 'deltadna', account: DELTADNA.secret, window: 'nightly' });
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, '{ "entries": [ broken');

    // Act
    const event = await h.writeEvent(DELTADNA);
    const result = await h.cli(['resume', '--event', event]);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`state file ${path} is not valid JSON`);
    expect(await readFile(path, 'utf8')).toBe('{ "entries": [ broken');
    expect(h.sims.deltadna.requests).toEqual([]);
  });

  it('a request from stdin in an EventBridge envelope is read from its detail', async () => {
    // Act
    const envelope = { version: '0', id: 'x', 'detail-type': 'Pause Requested', source: 'release-pipeline', detail: { ...OCAMBA, dryRun: true } };
    const result = await h.cli(['pause', '--event', '-', '--json'], JSON.stringify(envelope));

    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).summary.planned).toBe(4);
  });
});
