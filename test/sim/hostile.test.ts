import { afterEach, describe, expect, it, vi } from 'vitest';
import { startDeltaDnaSim, type DeltaDnaSim } from '../../sim/deltadna.js';
import { ABSURD_LIFETIMES, OVERSIZED_BYTES, startThief, type Thief } from '../../sim/hostile.js';
import { startKahunaSim, type KahunaSim } from '../../sim/kahuna.js';
import { startOcambaSim, type OcambaSim } from '../../sim/ocamba.js';
import { demoDeltaDnaOptions, demoKahunaOptions, demoOcambaOptions } from '../../sim/seed.js';

const { key: KEY, password: PASSWORD } = demoDeltaDnaOptions();
const { token: TOKEN } = demoOcambaOptions();
const { secretKey: SECRET_KEY, apiKey: API_KEY } = demoKahunaOptions();
const BASIC = `Basic ${Buffer.from(`${SECRET_KEY}:${API_KEY}`).toString('base64')}`;
const AUTH_PATH = '/api/authentication/v1/authenticate';
const DDNA_LIST = '/api/engage/v1/campaigns/event-triggered';
const POPULATE_BODY = JSON.stringify({ campaign_config: { campaign_id: 999, cred_type: 'email' }, recipient_list: [{ k_to: ['a@example.com'] }] });
const base64 = (text: string): string => Buffer.from(text).toString('base64');

/** Reads a body to its end or to `limit` bytes, keeping none of it: how many bytes, and its head. */
const drain = async (response: Response, limit = Number.POSITIVE_INFINITY): Promise<{ bytes: number; head: string; tail: string }> => {
  const reader = response.body!.getReader();
  let bytes = 0;
  let head = '';
  let tail = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    if (head.length < 512) head += Buffer.from(value).toString('utf8').slice(0, 512 - head.length);
    tail = Buffer.from(value.subarray(Math.max(0, value.length - 64))).toString('utf8');
    if (bytes >= limit) {
      await reader.cancel();
      break;
    }
  }
  return { bytes, head, tail };
};

describe('Simulator: hostile vendors', () => {
  let deltadna: DeltaDnaSim | undefined;
  let ocamba: OcambaSim | undefined;
  let kahuna: KahunaSim | undefined;
  let thief: Thief | undefined;

  afterEach(async () => {
    await Promise.all([deltadna?.close(), ocamba?.close(), kahuna?.close(), thief?.close()]);
    deltadna = ocamba = kahuna = thief = undefined;
  });

  const authenticate = async (sim: DeltaDnaSim, password = PASSWORD): Promise<Response> =>
    fetch(`${sim.url}${AUTH_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: KEY, password }) });
  const tokenOf = async (sim: DeltaDnaSim): Promise<string> => ((await (await authenticate(sim)).json()) as { idToken: string }).idToken;
  const ocambaCall = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${ocamba!.url}/v1/hood${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } });
  const populate = (init: { authorization?: string; body?: string } = {}): Promise<Response> =>
    fetch(`${kahuna!.url}/api/campaign/populate?env=s`, {
      method: 'POST',
      headers: { authorization: init.authorization ?? BASIC, 'content-type': 'application/json' },
      body: init.body ?? POPULATE_BODY,
      redirect: 'manual',
    });

  describe('settings', () => {
    it('refuses a behaviour the vendor does not have, and a redirect with nowhere to go', async () => {
      // Act, Assess
      await expect(startDeltaDnaSim({ ...demoDeltaDnaOptions(), hostile: 'lying-rate-limit' })).rejects.toThrow(/deltaDNA simulator: hostile 'lying-rate-limit'/);
      await expect(startKahunaSim({ ...demoKahunaOptions(), hostile: 'endless-pages' })).rejects.toThrow(RangeError);
      await expect(startOcambaSim({ ...demoOcambaOptions(), hostile: 'redirect' })).rejects.toThrow(/needs redirectTo/);
    });

    it('turns a behaviour on and off at run time', async () => {
      // Prepare
      ocamba = await startOcambaSim(demoOcambaOptions());

      // Act
      const before = (await (await ocambaCall('/campaigns')).json()) as { total: number };
      ocamba.setHostile('endless-pages');
      const during = (await (await ocambaCall('/campaigns')).json()) as { total: number };
      ocamba.setHostile(undefined);
      const after = (await (await ocambaCall('/campaigns')).json()) as { total: number };

      // Assess
      expect([before.total, during.total, after.total]).toEqual([10, 1e12, 10]);
    });
  });

  describe('redirect', () => {
    it('the thief keeps whatever reaches it, credentials included', async () => {
      // Prepare
      thief = await startThief();

      // Act
      await fetch(`${thief.url}/x?y=1`, { method: 'POST', headers: { authorization: 'Bearer stolen' }, body: 'secret body' });

      // Assess
      expect(thief.received).toEqual([expect.objectContaining({ method: 'POST', url: '/x?y=1', body: 'secret body' })]);
      expect(thief.received[0]?.headers.authorization).toBe('Bearer stolen');
    });

    it('deltaDNA answers authenticate with 307 to the thief, path kept, and nothing else', async () => {
      // Prepare
      thief = await startThief();
      deltadna = await startDeltaDnaSim({ ...demoDeltaDnaOptions(), hostile: { behaviour: 'redirect', redirectTo: thief.url } });

      // Act
      const response = await fetch(`${deltadna.url}${AUTH_PATH}`, { method: 'POST', body: '{}', redirect: 'manual' });
      const listing = await fetch(`${deltadna.url}${DDNA_LIST}`, { redirect: 'manual' });

      // Assess
      expect(response.status).toBe(307);
      expect(response.headers.get('location')).toBe(`${thief.url}${AUTH_PATH}`);
      expect(listing.status).toBe(401);
      expect(deltadna.authCount).toBe(0);
    });

    it('Ocamba answers pause with 302 (status configurable) and lists as usual', async () => {
      // Prepare
      thief = await startThief();
      ocamba = await startOcambaSim({ ...demoOcambaOptions(), hostile: { behaviour: 'redirect', redirectTo: `${thief.url}/` } });

      // Act
      const pause = await fetch(`${ocamba.url}/v1/hood/campaigns/1000241/pause`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: '{"reason":"night"}',
        redirect: 'manual',
      });
      const listing = await ocambaCall('/campaigns');
      ocamba.setHostile({ behaviour: 'redirect', redirectTo: thief.url, redirectStatus: 308 });
      const again = await fetch(`${ocamba.url}/v1/hood/campaigns/1000241/pause`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{}', redirect: 'manual' });

      // Assess
      expect(pause.status).toBe(302);
      expect(pause.headers.get('location')).toBe(`${thief.url}/v1/hood/campaigns/1000241/pause`);
      expect(listing.status).toBe(200);
      expect(again.status).toBe(308);
      expect(ocamba.campaign('1000241')?.status).toBe('running');
    });

    it('Kahuna answers populate with 307 and query kept, job status as usual', async () => {
      // Prepare
      thief = await startThief();
      kahuna = await startKahunaSim({ ...demoKahunaOptions(), hostile: { behaviour: 'redirect', redirectTo: thief.url } });

      // Act
      const response = await populate();

      // Assess
      expect(response.status).toBe(307);
      expect(response.headers.get('location')).toBe(`${thief.url}/api/campaign/populate?env=s`);
      expect(kahuna.jobs).toEqual([]);
    });
  });

  describe('echo-credentials', () => {
    it('deltaDNA: a refused authentication repeats the key and password, raw and as Basic', async () => {
      // Prepare
      deltadna = await startDeltaDnaSim({ ...demoDeltaDnaOptions(), hostile: 'echo-credentials' });

      // Act
      const response = await authenticate(deltadna, 'not-the-password');
      const body = (await response.json()) as { title: string; detail: string };

      // Assess
      expect(response.status).toBe(401);
      expect(body.detail).toContain(`key ${KEY}, password not-the-password`);
      expect(body.detail).toContain(base64(`${KEY}:not-the-password`));
    });

    it('deltaDNA: a refusal repeats the bearer token raw and in base64, and names carry the password and the token', async () => {
      // Prepare
      deltadna = await startDeltaDnaSim({ ...demoDeltaDnaOptions(), hostile: 'echo-credentials' });
      const token = await tokenOf(deltadna);
      const headers = { authorization: `Bearer ${token}` };

      // Act
      const refused = await fetch(`${deltadna.url}${DDNA_LIST}/34751/pause`, { method: 'POST', headers });
      const refusal = (await refused.json()) as { title: string; detail: string };
      const listed = (await (await fetch(`${deltadna.url}${DDNA_LIST}`, { headers })).json()) as { name: string }[];
      const paused = await fetch(`${deltadna.url}${DDNA_LIST}/34749/pause`, { method: 'POST', headers });

      // Assess
      expect(refused.status).toBe(400);
      expect(refusal.title).toContain(`Bearer ${token}`);
      expect(refusal.detail).toContain(base64(token));
      expect(refusal.detail).toContain(PASSWORD);
      expect(listed.every((c) => c.name.includes(PASSWORD) && c.name.includes(token))).toBe(true);
      expect(paused.status).toBe(204);
    });

    it('Ocamba: errors, injected ones too, repeat the Authorization header and the token in base64; names carry the token', async () => {
      // Prepare
      ocamba = await startOcambaSim({ ...demoOcambaOptions(), hostile: 'echo-credentials' });
      ocamba.inject({ method: 'POST', path: '/v1/hood/campaigns/1000241/pause', fault: { status: 401 } });

      // Act
      const refused = (await (await ocambaCall('/campaigns/1000245/pause', { method: 'POST', body: '{}' })).json()) as { title: string; message: string };
      const injected = (await (await ocambaCall('/campaigns/1000241/pause', { method: 'POST', body: '{}' })).json()) as { title: string; message: string };
      const listed = (await (await ocambaCall('/campaigns')).json()) as { items: { name: string }[] };

      // Assess
      for (const body of [refused, injected]) {
        expect(body.title).toContain(`Bearer ${TOKEN}`);
        expect(body.message).toContain(base64(TOKEN));
      }
      expect(refused.message).toContain("Only campaign in status 'running' or 'scheduled' can be paused.");
      expect(listed.items.every((c) => c.name.includes(TOKEN))).toBe(true);
    });

    it('Kahuna: errors repeat the BasicAuth header and both keys; a good populate is answered as usual', async () => {
      // Prepare
      kahuna = await startKahunaSim({ ...demoKahunaOptions(), hostile: 'echo-credentials' });

      // Act
      const refused = await populate({ body: JSON.stringify({ campaign_config: { campaign_id: 4242, cred_type: 'email' }, recipient_list: [{ k_to: ['a'] }] }) });
      const body = (await refused.json()) as { error: string; error_detail: string };
      const accepted = await populate();

      // Assess
      expect(refused.status).toBe(400);
      expect(body.error).toContain(BASIC);
      expect(body.error_detail).toContain(`${SECRET_KEY}:${API_KEY}`);
      expect(accepted.status).toBe(200);
    });
  });

  describe('lying-rate-limit', () => {
    it('Ocamba: each answer lies about its limits in a new way, while the true limits still hold', async () => {
      // Prepare
      ocamba = await startOcambaSim({ ...demoOcambaOptions(), limits: { perSecond: 5 }, clock: () => Date.UTC(2026, 0, 1, 21, 0, 0, 250), hostile: 'lying-rate-limit' });

      // Act
      const answers = [];
      for (let i = 0; i < 6; i += 1) answers.push(await ocambaCall('/campaigns'));

      // Assess
      expect(answers.slice(0, 5).map((r) => ['limit', 'remaining', 'reset'].map((n) => r.headers.get(`x-ratelimit-${n}`)))).toEqual([
        ['100000000', '-5', '999999'],
        ['100000000', '99999999999', '999999'],
        ['10', '0', '999999'],
        ['lots', 'NaN', '1e400'],
        ['-1', '-100000000', '-999999'],
      ]);
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
    });
  });

  describe('endless-pages', () => {
    it('deltaDNA: every page is the same full page', async () => {
      // Prepare
      deltadna = await startDeltaDnaSim({ ...demoDeltaDnaOptions(), hostile: 'endless-pages' });
      const headers = { authorization: `Bearer ${await tokenOf(deltadna)}` };

      // Act
      const pages = await Promise.all([0, 1, 50].map(async (page) => (await fetch(`${deltadna!.url}${DDNA_LIST}?limit=20&page=${page}`, { headers })).json()));

      // Assess
      expect((pages[0] as unknown[]).length).toBe(20);
      expect(pages[1]).toEqual(pages[0]);
      expect(pages[2]).toEqual(pages[0]);
    });

    it('Ocamba: a trillion campaigns, and every page is the first', async () => {
      // Prepare
      ocamba = await startOcambaSim({ ...demoOcambaOptions(), hostile: 'endless-pages' });

      // Act
      const first = (await (await ocambaCall('/campaigns?page=1,4')).json()) as { total: number; items: { id: string }[] };
      const later = (await (await ocambaCall('/campaigns?page=9,4')).json()) as { total: number; items: { id: string }[] };

      // Assess
      expect(first.total).toBe(1e12);
      expect(first.items.map((c) => c.id)).toEqual(['1000241', '1000242', '1000243', '1000244']);
      expect(later).toEqual(first);
    });
  });

  describe('oversized-body', () => {
    it('Ocamba: the listing is 100 MB of valid-looking JSON, sent as fast as it is read', async () => {
      // Prepare
      ocamba = await startOcambaSim({ ...demoOcambaOptions(), hostile: 'oversized-body' });

      // Act
      const read = await drain(await ocambaCall('/campaigns'));

      // Assess
      expect(read.bytes).toBe(OVERSIZED_BYTES);
      expect(read.head).toMatch(/^\{"total":1,"items":\[\{"id":"1000241",.*"padding":"aaaa/);
      expect(read.tail).toMatch(/aaaa"\}\]\}$/);
      expect(ocamba.streamedBytes).toBe(OVERSIZED_BYTES);
    });

    it('deltaDNA: a listing of the configured size that parses as a list', async () => {
      // Prepare
      deltadna = await startDeltaDnaSim({ ...demoDeltaDnaOptions(), hostile: { behaviour: 'oversized-body', bodyBytes: 2 * 1024 * 1024 } });
      const headers = { authorization: `Bearer ${await tokenOf(deltadna)}` };

      // Act
      const text = await (await fetch(`${deltadna.url}${DDNA_LIST}`, { headers })).text();

      // Assess
      expect(Buffer.byteLength(text)).toBe(2 * 1024 * 1024);
      expect(JSON.parse(text)).toEqual([expect.objectContaining({ id: 34749, status: 'ACTIVE', padding: expect.stringMatching(/^a+$/) })]);
    });

    it('Kahuna: the populate answer is the job, padded to the configured size', async () => {
      // Prepare
      kahuna = await startKahunaSim({ ...demoKahunaOptions(), hostile: { behaviour: 'oversized-body', bodyBytes: 1024 * 1024 } });

      // Act
      const text = await (await populate()).text();

      // Assess
      expect(Buffer.byteLength(text)).toBe(1024 * 1024);
      expect(JSON.parse(text)).toMatchObject({ job_id: kahuna.jobs[0]?.id, status: 'PENDING' });
    });
  });

  describe('never-ending-body', () => {
    it.each(['deltadna', 'ocamba', 'kahuna'] as const)('%s: streams past 8 MiB and stops once the client goes away', async (vendor) => {
      // Prepare
      let response: Response;
      let sim: DeltaDnaSim | OcambaSim | KahunaSim;
      if (vendor === 'deltadna') {
        sim = deltadna = await startDeltaDnaSim({ ...demoDeltaDnaOptions(), hostile: 'never-ending-body' });
        response = await fetch(`${sim.url}${DDNA_LIST}`, { headers: { authorization: `Bearer ${await tokenOf(deltadna)}` } });
      } else if (vendor === 'ocamba') {
        sim = ocamba = await startOcambaSim({ ...demoOcambaOptions(), hostile: 'never-ending-body' });
        response = await ocambaCall('/campaigns');
      } else {
        sim = kahuna = await startKahunaSim({ ...demoKahunaOptions(), hostile: 'never-ending-body' });
        response = await populate();
      }

      // Act
      const read = await drain(response, 8 * 1024 * 1024 + 1);
      await vi.waitFor(() => expect(sim.openStreams).toBe(0));
      const sentWhenGone = sim.streamedBytes;

      // Assess
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBeNull();
      expect(read.bytes).toBeGreaterThan(8 * 1024 * 1024);
      expect(read.head).toMatch(/"padding":"aaaa/);
      // Stopped: nothing more is sent once the stream is closed.
      await new Promise((resolve) => setImmediate(resolve));
      expect(sim.streamedBytes).toBe(sentWhenGone);
    });
  });

  describe('absurd-token-lifetime', () => {
    it('deltaDNA says each absurd lifetime in turn, as raw JSON, and the tokens work for the usual 30 minutes', async () => {
      // Prepare
      deltadna = await startDeltaDnaSim({ ...demoDeltaDnaOptions(), hostile: 'absurd-token-lifetime' });

      // Act
      const bodies = [];
      for (let i = 0; i < ABSURD_LIFETIMES.length; i += 1) bodies.push(await (await authenticate(deltadna)).text());
      const token = (JSON.parse(bodies[0]!) as { idToken: string }).idToken;
      const listing = await fetch(`${deltadna.url}${DDNA_LIST}`, { headers: { authorization: `Bearer ${token}` } });

      // Assess
      expect(bodies.map((b) => /"expiresIn":(.*)\}$/.exec(b)?.[1])).toEqual(['1e20', '-5', '"NaN"', '1e400']);
      expect((JSON.parse(bodies[3]!) as { expiresIn: number }).expiresIn).toBe(Number.POSITIVE_INFINITY);
      expect(listing.status).toBe(200);
    });
  });

  describe('escape-sequences', () => {
    it.each(['deltadna', 'ocamba'] as const)('%s: names carry OSC, CSI, colour, C1 controls and bidi overrides', async (vendor) => {
      // Prepare
      let names: string[];
      if (vendor === 'deltadna') {
        deltadna = await startDeltaDnaSim({ ...demoDeltaDnaOptions(), hostile: 'escape-sequences' });
        const headers = { authorization: `Bearer ${await tokenOf(deltadna)}` };
        // Act
        const listed = (await (await fetch(`${deltadna.url}${DDNA_LIST}`, { headers })).json()) as { name: string }[];
        const one = (await (await fetch(`${deltadna.url}${DDNA_LIST}/34749`, { headers })).json()) as { name: string };
        names = [...listed.map((c) => c.name), one.name];
      } else {
        ocamba = await startOcambaSim({ ...demoOcambaOptions(), hostile: 'escape-sequences' });
        // Act
        const listed = (await (await ocambaCall('/campaigns')).json()) as { items: { name: string }[] };
        const one = (await (await ocambaCall('/campaigns/1000241')).json()) as { items: { name: string }[] };
        names = [...listed.items.map((c) => c.name), one.items[0]!.name];
      }

      // Assess
      for (const name of names) {
        for (const sequence of ['\u001b]0;', '\u0007', '\u001b[2J', '\u001b[31m', '\u009b', '\u0085', '\u202e', '\u2066']) expect(name).toContain(sequence);
      }
      expect(names.at(-1)).toContain(vendor === 'deltadna' ? 'Welcome Offer' : 'Welcome Series');
    });
  });
});
