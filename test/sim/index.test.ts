import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_ENVIRONMENTS, demoDeltaDnaOptions, demoOcambaOptions, startAllSims } from '../../sim/index.js';
import type { AllSims, DeltaDnaCampaign, OcambaCampaign } from '../../sim/index.js';

describe('Simulator: all', () => {
  let sims: AllSims | undefined;

  afterEach(async () => {
    await sims?.close();
    sims = undefined;
  });

  it('starts the three simulators with the demo account, reachable with the demo credentials', async () => {
    // Prepare
    sims = await startAllSims();
    const { deltadna, ocamba, kahuna } = sims.secrets;

    // Act
    const auth = await fetch(`${deltadna.baseUrl}/api/authentication/v1/authenticate`, {
      method: 'POST',
      body: JSON.stringify({ key: deltadna.key, password: deltadna.password }),
    });
    const { idToken } = (await auth.json()) as { idToken: string };
    const environments = await (await fetch(`${deltadna.baseUrl}/api/engage/v1/environments`, { headers: { authorization: `Bearer ${idToken}` } })).json();
    const hood = (await (await fetch(`${ocamba.baseUrl}/v1/hood/campaigns?page=1,100`, { headers: { authorization: `Bearer ${ocamba.token}` } })).json()) as {
      total: number;
    };
    const populate = await fetch(`${kahuna.baseUrl}/api/campaign/populate?env=s`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${kahuna.secretKey}:${kahuna.apiKey}`).toString('base64')}` },
      body: JSON.stringify({ campaign_config: { campaign_id: 999, cred_type: 'email' }, recipient_list: [{ k_to: ['a@example.com'] }] }),
    });

    // Assess
    expect(sims.secrets.deltadna).toMatchObject(DEMO_CREDENTIALS.deltadna);
    expect(environments).toContainEqual({ id: 8756, game: 'DeltaSlot', name: 'Live' });
    expect(hood.total).toBe(sims.ocamba.campaigns().length);
    expect(populate.status).toBe(200);
    expect(sims.deltadna.url).not.toBe(sims.ocamba.url);
  });

  it('lays per-vendor options over the demo account', async () => {
    // Prepare
    sims = await startAllSims({ ocamba: { limits: { perSecond: 1 } }, kahuna: { deniedNamespace: true } });
    const headers = { authorization: `Bearer ${DEMO_CREDENTIALS.ocamba.token}` };

    // Act
    const first = await fetch(`${sims.ocamba.url}/v1/hood/campaigns`, { headers });
    const second = await fetch(`${sims.ocamba.url}/v1/hood/campaigns`, { headers });

    // Assess
    expect([first.status, second.status]).toContain(200);
    expect(first.headers.get('x-ratelimit-limit')).toBe('1');
    expect(sims.ocamba.campaigns()).toHaveLength(demoOcambaOptions().campaigns.length);
  });

  it('closes promptly even with a request hanging on each simulator', async () => {
    // Prepare
    sims = await startAllSims();
    const all = [sims.deltadna, sims.ocamba, sims.kahuna];
    for (const sim of all) sim.inject({ fault: { kind: 'hang' } });
    const attempts = all.map((sim) => fetch(`${sim.url}/anything`).catch(() => 'failed'));
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Act
    const started = Date.now();
    await sims.close();

    // Assess
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await Promise.all(attempts)).toEqual(['failed', 'failed', 'failed']);
  });
});

describe('Simulator: demo seed', () => {
  it('gives deltaDNA two games with Dev and Live and campaigns in every state the windows meet', () => {
    // Prepare
    const options = demoDeltaDnaOptions();

    // Act
    const campaigns = options.campaigns;
    const byId = (id: number): DeltaDnaCampaign | undefined => campaigns.find((c) => c.id === id);

    // Assess
    expect(options.environments.map((e) => e.id)).toEqual([8755, 8756, 9120, 9121]);
    expect(DEMO_ENVIRONMENTS.deltaSlotLive).toBe(8756);
    expect(byId(34751)?.status).toBe('DRAFT');
    expect(campaigns.find((c) => c.name === 'Halloween Bonus')?.status).toBe('PAUSED');
    expect(new Set(campaigns.map((c) => c.status))).toEqual(new Set(['DRAFT', 'SCHEDULED', 'ACTIVE', 'PAUSED', 'COMPLETED']));
    expect(campaigns.some((c) => c.name.includes('[no-pause]'))).toBe(true);
    expect(new Set(campaigns.map((c) => c.id)).size).toBe(campaigns.length);
  });

  it('gives Ocamba campaigns in every status, an opt-out and night-off labels', () => {
    // Prepare
    const options = demoOcambaOptions();

    // Act
    const campaigns: readonly OcambaCampaign[] = options.campaigns;

    // Assess
    expect(new Set(campaigns.map((c) => c.status))).toEqual(new Set(['draft', 'scheduled', 'running', 'paused', 'canceled']));
    expect(campaigns.find((c) => c.id === '1000248')?.name).toBe('Black Friday');
    expect(campaigns.some((c) => c.labels?.includes('campaign-ops:skip'))).toBe(true);
    expect(campaigns.filter((c) => c.labels?.includes('night-off')).length).toBeGreaterThan(2);
  });

  it('builds fresh objects on every call, so one run cannot change the next', () => {
    // Prepare
    const first = demoOcambaOptions();

    // Act
    (first.campaigns as OcambaCampaign[]).pop();

    // Assess
    expect(demoOcambaOptions().campaigns).toHaveLength(first.campaigns.length + 1);
  });
});
