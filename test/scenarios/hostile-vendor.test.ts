/**
 * Trust no vendor: a whole window (pause, and where it matters resume), or a populate, through the real
 * command against a vendor that is hostile in one way at a time. Whatever the vendor does, a run must:
 *  - never show a credential: not on stdout, stderr, in the --json result, in any log line, nor in the
 *    state directory (secrets.json apart; the deltaDNA idToken is allowed only in the token cache);
 *  - end within RUN_BOUND_MS, whatever the vendor asks it to wait or however long it talks;
 *  - keep memory within MEMORY_BOUND_MB of where it started, while the vendor offers 100 MB or an
 *    endless body;
 *  - and fail (or succeed) as each case says, in words a person can act on.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PopulateResult } from '../../functions/core/populate-result.js';
import type { CampaignOutcome, WindowResult } from '../../functions/core/result.js';
import { ABSURD_LIFETIMES, startThief, type AllSimsOptions, type Hostile, type Thief } from '../../sim/index.js';
import { startCliHarness, type CliHarness, type CliRun } from '../support/cli-harness.js';

/** A run that takes longer has been made to wait or to read without end. Generous: a normal run takes well under a second. */
const RUN_BOUND_MS = 20_000;
/**
 * Growth over a run, peak against start, of heap + external memory (Buffers), and of the resident set
 * (which also sees what a sample between two collections misses). The hostile bodies are 100 MB and endless.
 */
const MEMORY_BOUND_MB = 64;
const RSS_BOUND_MB = 2 * MEMORY_BOUND_MB;
/** Each case may run up to three bounded runs. */
const CASE_TIMEOUT_MS = 4 * RUN_BOUND_MS;

/** Credentials no demo uses, so that finding one anywhere is a leak, not a coincidence. */
const CREDENTIALS = {
  deltadna: { key: 'hostile-ddna-key-4f1c9a0e', password: 'hostile-ddna-password-7e2b58d1' },
  ocamba: { token: 'hostile-ocamba-token-b93d07c6' },
  kahuna: { secretKey: 'hostile-kahuna-secret-key-21a6e4f9', apiKey: 'hostile-kahuna-api-key-c85f1372' },
} as const;

const DELTADNA = { provider: 'deltadna', secret: 'campaign-ops/deltaslot-live', window: 'nightly', select: { environment: 8756 } };
const OCAMBA = { provider: 'ocamba', secret: 'campaign-ops/hood', window: 'nightly', select: { labels: ['night-off'] }, reason: 'Overnight maintenance' };
const POPULATE = {
  provider: 'kahuna',
  secret: 'campaign-ops/kahuna-sandbox',
  env: 's',
  campaign_config: { campaign_id: 999, cred_type: 'email' },
  default_params: { k_send_ts: 1767225600 },
  recipient_list: [{ k_to: ['a@example.com'] }, { k_to: ['b@example.com'] }],
  // The vendor allows one status read per job every 30 s: not followed in tests.
  wait: false,
};
const DELTADNA_RUNNING = ['34749', '34750', '34754', '34756'];
const OCAMBA_RUNNING = ['1000241', '1000242', '1000244', '1000248'];
const DELTADNA_LIST = /^\/api\/engage\/v1\/campaigns\/event-triggered$/;
const OCAMBA_LIST = '/v1/hood/campaigns';
const KAHUNA_POPULATE = '/api/campaign/populate';

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** Every form in which the run's credentials could leak, by a label that names the form and not the value. */
const credentialForms = (): [label: string, value: string][] => {
  const { key, password } = CREDENTIALS.deltadna;
  const { token } = CREDENTIALS.ocamba;
  const { secretKey, apiKey } = CREDENTIALS.kahuna;
  return [
    ['deltaDNA key', key],
    ['deltaDNA password', password],
    ['deltaDNA key:password in base64', base64(`${key}:${password}`)],
    ['deltaDNA password in base64', base64(password)],
    ['Ocamba token', token],
    ['Ocamba token in base64', base64(token)],
    ['Ocamba token: in base64', base64(`${token}:`)],
    ['Kahuna secret key', secretKey],
    ['Kahuna API key', apiKey],
    ['Kahuna Basic credentials in base64', base64(`${secretKey}:${apiKey}`)],
    ['Kahuna API key in base64', base64(apiKey)],
  ];
};

/** The deltaDNA idTokens the simulator issued, raw and in base64: secret everywhere but in the token cache. */
const tokenForms = (h: CliHarness): [string, string][] =>
  h.sims.deltadna.issuedTokens.flatMap((token, i): [string, string][] => [
    [`deltaDNA idToken #${i + 1}`, token],
    [`deltaDNA idToken #${i + 1} in base64`, base64(token)],
  ]);

/** A credential cut short (vendor text capped before it was scrubbed) leaks too: any 16 characters of one count. */
const PART_LENGTH = 16;

const leaksIn = (text: string, forms: readonly [string, string][]): string[] =>
  forms.flatMap(([label, value]) => {
    if (text.includes(value)) return [label];
    for (let i = 0; i + PART_LENGTH <= value.length; i += 1) if (text.includes(value.slice(i, i + PART_LENGTH))) return [`${label} (in part)`];
    return [];
  });

interface ObservedRun extends CliRun {
  readonly elapsedMs: number;
  /** Peak growth of heap used + external memory over the run, in MB. */
  readonly memoryGrowthMb: number;
  /** Peak growth of the resident set over the run, in MB. */
  readonly rssGrowthMb: number;
  /** Whatever reached console.* or the process's own stdout/stderr while the run went: the log lines. */
  readonly logged: string;
  readonly timedOut: boolean;
}

/**
 * A full collection before each run, so that its baseline is not the garbage an earlier case left (a
 * 100 MB body read by a client that keeps it all stays on the heap until the next collection).
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const memoryNow = (): number => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
};

/** Runs the command with the bound, the memory sampled as it goes, and the log lines caught. */
const observe = async (h: CliHarness, args: readonly string[]): Promise<ObservedRun> => {
  const logged: string[] = [];
  const keep = (...parts: unknown[]): void => {
    logged.push(parts.map((part) => (typeof part === 'string' ? part : Buffer.isBuffer(part) ? part.toString('utf8') : JSON.stringify(part) ?? String(part))).join(' '));
  };
  const spies = [
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method).mockImplementation(keep)),
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      keep(chunk);
      return true;
    }),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      keep(chunk);
      return true;
    }),
  ];
  collectGarbage();
  const baseline = memoryNow();
  const rssBaseline = process.memoryUsage.rss();
  let peak = baseline;
  let rssPeak = rssBaseline;
  const sample = (): void => {
    peak = Math.max(peak, memoryNow());
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  };
  const sampler = setInterval(sample, 20);
  const started = performance.now();
  let watchdog: NodeJS.Timeout | undefined;
  try {
    // A watchdog, not a sleep: it only decides when to stop waiting for a run that does not end.
    const bound = new Promise<'timedOut'>((resolve) => {
      watchdog = setTimeout(() => resolve('timedOut'), RUN_BOUND_MS);
    });
    const outcome = await Promise.race([h.cli(args), bound]);
    const elapsedMs = performance.now() - started;
    sample();
    const memoryGrowthMb = (peak - baseline) / (1024 * 1024);
    const rssGrowthMb = (rssPeak - rssBaseline) / (1024 * 1024);
    if (outcome === 'timedOut') {
      return { code: -1, stdout: '', stderr: '', elapsedMs, memoryGrowthMb, rssGrowthMb, logged: logged.join('\n'), timedOut: true };
    }
    return { ...outcome, elapsedMs, memoryGrowthMb, rssGrowthMb, logged: logged.join('\n'), timedOut: false };
  } finally {
    clearTimeout(watchdog);
    clearInterval(sampler);
    for (const spy of spies) spy.mockRestore();
  }
};

const filesUnder = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
};

/** What every run against a hostile vendor must hold, whatever else its case says. */
const assessHygiene = async (h: CliHarness, run: ObservedRun, what: string): Promise<void> => {
  expect(run.timedOut, `${what}: did not end within ${RUN_BOUND_MS / 1000} s`).toBe(false);
  expect(run.elapsedMs, `${what}: took ${Math.round(run.elapsedMs)} ms`).toBeLessThan(RUN_BOUND_MS);
  expect(run.memoryGrowthMb, `${what}: heap + external memory grew by ${run.memoryGrowthMb.toFixed(1)} MB (bound ${MEMORY_BOUND_MB} MB)`).toBeLessThan(MEMORY_BOUND_MB);
  expect(run.rssGrowthMb, `${what}: the resident set grew by ${run.rssGrowthMb.toFixed(1)} MB (bound ${RSS_BOUND_MB} MB)`).toBeLessThan(RSS_BOUND_MB);
  const everywhere = [...credentialForms(), ...tokenForms(h)];
  expect(leaksIn(run.stdout, everywhere), `${what}: credentials on stdout`).toEqual([]);
  expect(leaksIn(run.stderr, everywhere), `${what}: credentials on stderr`).toEqual([]);
  expect(leaksIn(run.logged, everywhere), `${what}: credentials in log lines`).toEqual([]);
  for (const file of await filesUnder(h.stateDir)) {
    if (file === h.secretsFile) continue;
    const name = relative(h.stateDir, file);
    // The token cache exists to keep the idToken; the account's own credentials have no business there either.
    const forms = name.startsWith('tokens') ? credentialForms() : everywhere;
    expect(leaksIn(await readFile(file, 'utf8'), forms), `${what}: credentials in the state file ${name}`).toEqual([]);
  }
};

let h: CliHarness | undefined;
let thief: Thief | undefined;

/** A harness whose simulators use the test credentials, with the given hostile options per vendor. */
const start = async (options: AllSimsOptions = {}): Promise<CliHarness> => {
  h = await startCliHarness({
    ...options,
    deltadna: { ...CREDENTIALS.deltadna, ...options.deltadna },
    ocamba: { ...CREDENTIALS.ocamba, ...options.ocamba },
    kahuna: { ...CREDENTIALS.kahuna, ...options.kahuna },
  });
  return h;
};

const window = async (action: 'pause' | 'resume', request: object, extra: readonly string[] = []): Promise<ObservedRun> => {
  const event = await h!.writeEvent(request);
  return observe(h!, [action, '--event', event, ...extra]);
};

const populate = async (request: object, extra: readonly string[] = []): Promise<ObservedRun> => {
  const event = await h!.writeEvent(request);
  return observe(h!, ['populate', '--event', event, ...extra]);
};

const parsed = <T>(run: ObservedRun): T => {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON on stdout (exit ${run.code}${run.timedOut ? ', timed out' : ''}): ${run.stdout.slice(0, 500)}\n${run.stderr.slice(0, 500)}`);
  }
};

const outcomeOf = (result: WindowResult, id: string): CampaignOutcome => {
  const found = result.campaigns.find((c) => c.id === id);
  if (!found) throw new Error(`campaign ${id} is not in the result: ${result.campaigns.map((c) => c.id).join(', ')}`);
  return found;
};

const requestsTo = (vendor: 'deltadna' | 'ocamba' | 'kahuna', path: string | RegExp, method = 'GET') =>
  h!.sims[vendor].requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));

/** What a person reads: the result (table or JSON) and the error line. */
const said = (...runs: ObservedRun[]): string => runs.map((run) => `${run.stdout}\n${run.stderr}`).join('\n');

beforeAll(async () => {
  // Warm-up: the command's modules are loaded and its first allocations made before any memory is measured.
  await start();
  await window('pause', DELTADNA, ['--dry-run']);
  await window('pause', OCAMBA, ['--dry-run']);
  await populate({ ...POPULATE, dryRun: true });
  await h!.close();
  h = undefined;
});

afterEach(async () => {
  // A run the watchdog gave up on may still be writing its state: its directory may not go at once.
  await h?.close().catch(() => undefined);
  await thief?.close();
  h = undefined;
  thief = undefined;
});

afterAll(async () => {
  await h?.close();
});

describe('Scenario: a vendor that redirects', () => {
  it('deltaDNA redirecting authenticate (307): the thief gets nothing and the run fails naming 307', async () => {
    // Prepare
    thief = await startThief();
    await start({ deltadna: { hostile: { behaviour: 'redirect', redirectTo: thief.url, redirectStatus: 307 } } });

    // Act
    const pause = await window('pause', DELTADNA);

    // Assess
    await assessHygiene(h!, pause, 'pause');
    expect(thief.received, 'requests that reached the thief').toEqual([]);
    expect(pause.code).not.toBe(0);
    expect(said(pause)).toMatch(/\b307\b/);
    expect(h!.stateChangingRequests()).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it('Ocamba redirecting pause (302): the thief gets nothing, each pause fails naming 302, and the morning finds them running', async () => {
    // Prepare
    thief = await startThief();
    await start({ ocamba: { hostile: { behaviour: 'redirect', redirectTo: thief.url, redirectStatus: 302 } } });

    // Act
    const pause = await window('pause', OCAMBA, ['--json']);
    h!.sims.ocamba.setHostile(undefined);
    const resume = await window('resume', OCAMBA);

    // Assess
    await assessHygiene(h!, pause, 'pause');
    await assessHygiene(h!, resume, 'resume');
    expect(thief.received, 'requests that reached the thief').toEqual([]);
    expect(pause.code).toBe(1);
    const result = parsed<WindowResult>(pause);
    for (const id of OCAMBA_RUNNING) {
      expect(['failed', 'rejected'], `outcome of ${id}`).toContain(outcomeOf(result, id).outcome);
      expect(outcomeOf(result, id).detail).toMatch(/\b302\b/);
    }
    expect(resume.code).toBe(0);
    for (const id of ['1000241', '1000242', '1000248']) expect(h!.sims.ocamba.campaign(id)?.status).toBe('running');
    expect(h!.sims.ocamba.campaign('1000244')?.status).toBe('scheduled');
  }, CASE_TIMEOUT_MS);

  it('Kahuna redirecting populate (307): the thief gets neither credentials nor recipients, and the request fails naming 307', async () => {
    // Prepare
    thief = await startThief();
    await start({ kahuna: { hostile: { behaviour: 'redirect', redirectTo: thief.url } } });

    // Act
    const run = await populate(POPULATE, ['--json']);

    // Assess
    await assessHygiene(h!, run, 'populate');
    expect(thief.received, 'requests that reached the thief').toEqual([]);
    expect(run.code).toBe(1);
    const result = parsed<PopulateResult>(run);
    expect(result.summary.submitted).toBe(0);
    expect(result.requests[0]).toMatchObject({ status: expect.stringMatching(/^(failed|rejected)$/), detail: expect.stringMatching(/\b307\b/) });
    expect(requestsTo('kahuna', KAHUNA_POPULATE, 'POST')).toHaveLength(1);
  }, CASE_TIMEOUT_MS);
});

describe('Scenario: a vendor that echoes credentials', () => {
  it('deltaDNA: refusals, a refused authentication and names carrying the password and the token show none of them', async () => {
    // Prepare: a draft named explicitly is refused (400); every name carries the password and the session's token.
    await start({ deltadna: { hostile: 'echo-credentials' } });

    // Act
    const pause = await window('pause', { ...DELTADNA, select: { environment: 8756, ids: ['34751', '34749'] } });
    const resume = await window('resume', DELTADNA, ['--json']);
    h!.sims.deltadna.expireTokens();
    h!.sims.deltadna.inject({ path: '/api/authentication/v1/authenticate', times: Infinity, fault: { status: 401 } });
    const refused = await window('pause', DELTADNA, ['--json']);

    // Assess
    for (const [what, run] of [['pause', pause], ['resume', resume], ['refused authentication', refused]] as const) await assessHygiene(h!, run, what);
    expect(pause.code).toBe(1);
    expect(pause.stdout).toMatch(/34751/);
    expect(resume.code).toBe(0);
    expect(parsed<WindowResult>(resume).summary).toMatchObject({ selected: 1, changed: 1 });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/401/);
  }, CASE_TIMEOUT_MS);

  it('Ocamba: refusals, a 401 and names carrying the token show none of it', async () => {
    // Prepare: a draft named explicitly is refused (400), one pause is answered 401, names carry the token.
    await start({ ocamba: { hostile: 'echo-credentials' } });
    h!.sims.ocamba.inject({ method: 'POST', path: '/v1/hood/campaigns/1000242/pause', fault: { status: 401 } });

    // Act
    const pause = await window('pause', { ...OCAMBA, select: { ids: ['1000245', '1000241', '1000242'] } });
    const resume = await window('resume', OCAMBA, ['--json']);
    h!.sims.ocamba.inject({ method: 'GET', path: OCAMBA_LIST, times: Infinity, fault: { status: 401 } });
    const refused = await window('pause', OCAMBA, ['--json']);

    // Assess
    for (const [what, run] of [['pause', pause], ['resume', resume], ['refused listing', refused]] as const) await assessHygiene(h!, run, what);
    expect(pause.code).toBe(1);
    expect(pause.stdout).toMatch(/1000245/);
    expect(resume.code).toBe(0);
    expect(parsed<WindowResult>(resume).summary).toMatchObject({ changed: 1 });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/401/);
  }, CASE_TIMEOUT_MS);

  it('Kahuna: a refused populate and a 401 echoing the BasicAuth header show neither key', async () => {
    // Prepare
    await start({ kahuna: { hostile: 'echo-credentials' } });

    // Act: a campaign the vendor does not have (400), then credentials refused (401).
    const unknown = await populate({ ...POPULATE, campaign_config: { campaign_id: 4242, cred_type: 'email' } });
    const unknownJson = await populate({ ...POPULATE, campaign_config: { campaign_id: 4242, cred_type: 'email' } }, ['--json']);
    h!.sims.kahuna.inject({ method: 'POST', path: KAHUNA_POPULATE, times: Infinity, fault: { status: 401 } });
    const refused = await populate(POPULATE, ['--json']);

    // Assess
    for (const [what, run] of [['unknown campaign', unknown], ['unknown campaign (--json)', unknownJson], ['refused credentials', refused]] as const) {
      await assessHygiene(h!, run, what);
    }
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/400/);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(/401/);
  }, CASE_TIMEOUT_MS);
});

describe('Scenario: a vendor whose rate-limit headers lie', () => {
  it('Ocamba: absurd resets, huge and negative remaining, garbage: the night runs at the documented pace, unhindered', async () => {
    // Prepare
    await start({ ocamba: { hostile: 'lying-rate-limit' } });

    // Act, Assess: the pause is judged first, so a run that waits costs one bound, not two.
    const pause = await window('pause', OCAMBA, ['--json']);
    await assessHygiene(h!, pause, 'pause');
    const resume = await window('resume', OCAMBA, ['--json']);
    await assessHygiene(h!, resume, 'resume');
    expect(pause.code).toBe(0);
    expect(parsed<WindowResult>(pause).summary).toMatchObject({ changed: 4, failed: 0 });
    expect(resume.code).toBe(0);
    expect(parsed<WindowResult>(resume).summary).toMatchObject({ changed: 4, failed: 0 });
    // The true limits still hold at the simulator: the client kept to them, lies or not.
    expect(h!.sims.ocamba.throttledCount).toBe(0);
  }, CASE_TIMEOUT_MS);
});

describe('Scenario: a listing that never ends', () => {
  const NO_PROGRESS = /did not progress|no new|not progressing|too long|too many|more than|exceed/i;

  it('deltaDNA serving the same full page forever: the run fails saying the paging made no progress, nothing paused', async () => {
    // Prepare
    await start({ deltadna: { hostile: 'endless-pages' } });

    // Act
    const pause = await window('pause', DELTADNA);

    // Assess
    await assessHygiene(h!, pause, 'pause');
    expect(pause.code).not.toBe(0);
    expect(said(pause)).toMatch(/pag|list/i);
    expect(said(pause)).toMatch(NO_PROGRESS);
    expect(h!.stateChangingRequests()).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it('Ocamba claiming a trillion campaigns and repeating its pages: the run fails saying so, nothing paused', async () => {
    // Prepare
    await start({ ocamba: { hostile: 'endless-pages' } });

    // Act
    const pause = await window('pause', OCAMBA);

    // Assess
    await assessHygiene(h!, pause, 'pause');
    expect(pause.code).not.toBe(0);
    expect(said(pause)).toMatch(/pag|list/i);
    expect(said(pause)).toMatch(NO_PROGRESS);
    expect(h!.stateChangingRequests()).toEqual([]);
  }, CASE_TIMEOUT_MS);
});

describe.each([
  ['oversized-body', '100 MB answered at once'],
  ['never-ending-body', 'a chunked answer that never ends'],
] as const)('Scenario: a vendor answering with %s (%s)', (behaviour, _what) => {
  const TOO_LARGE = /too large|too big|larger than|exceed/i;

  it.each([
    ['deltaDNA', 'deltadna', DELTADNA, DELTADNA_LIST],
    ['Ocamba', 'ocamba', OCAMBA, OCAMBA_LIST],
  ] as const)('%s listing: fails once, without retry, saying the answer was too large', async (_name, vendor, request, listing) => {
    // Prepare
    await start({ [vendor]: { hostile: behaviour } });

    // Act
    const pause = await window('pause', request);

    // Assess
    await assessHygiene(h!, pause, 'pause');
    expect(pause.code).not.toBe(0);
    expect(said(pause)).toMatch(TOO_LARGE);
    expect(requestsTo(vendor, listing), 'listing requests').toHaveLength(1);
    expect(h!.stateChangingRequests()).toEqual([]);
  }, CASE_TIMEOUT_MS);

  it('Kahuna populate answer: the request fails once, without retry, saying the answer was too large', async () => {
    // Prepare
    await start({ kahuna: { hostile: behaviour } });

    // Act
    const run = await populate(POPULATE, ['--json']);

    // Assess
    await assessHygiene(h!, run, 'populate');
    expect(run.code).toBe(1);
    expect(parsed<PopulateResult>(run).requests[0]).toMatchObject({ status: expect.stringMatching(/^(failed|rejected)$/), detail: expect.stringMatching(TOO_LARGE) });
    expect(requestsTo('kahuna', KAHUNA_POPULATE, 'POST'), 'populate requests').toHaveLength(1);
  }, CASE_TIMEOUT_MS);
});

describe('Scenario: deltaDNA token lifetimes no clock can hold', () => {
  it.each(ABSURD_LIFETIMES)('expiresIn %s: the night runs as usual (the lifetime is clamped)', async (expiresIn) => {
    // Prepare
    await start({ deltadna: { hostile: { behaviour: 'absurd-token-lifetime', expiresIn: [expiresIn] } } });

    // Act: the resume is a second process, reading the token the pause cached.
    const pause = await window('pause', DELTADNA, ['--json']);
    const resume = await window('resume', DELTADNA, ['--json']);

    // Assess
    await assessHygiene(h!, pause, 'pause');
    await assessHygiene(h!, resume, 'resume');
    expect(pause.code, pause.stderr).toBe(0);
    expect(parsed<WindowResult>(pause).summary).toMatchObject({ changed: 4, failed: 0 });
    expect(resume.code, resume.stderr).toBe(0);
    expect(parsed<WindowResult>(resume).summary).toMatchObject({ changed: 4, failed: 0 });
    for (const id of DELTADNA_RUNNING) expect(['ACTIVE', 'SCHEDULED']).toContain(h!.sims.deltadna.campaign(Number(id))?.status);
  }, CASE_TIMEOUT_MS);
});

describe('Scenario: campaign names carrying terminal escapes', () => {
  /** ESC, BEL and the C1 controls (CSI as U+009B, NEL as U+0085...): none may reach a terminal. */
  const CONTROL = /[\u001b\u0007\u0080-\u009f]/;

  it.each([
    ['deltaDNA', DELTADNA, 'deltadna'],
    ['Ocamba', OCAMBA, 'ocamba'],
  ] as const)('%s: the tables of pause, resume and list show the names without a control character', async (_, request, vendor) => {
    // Prepare
    await start({ [vendor]: { hostile: 'escape-sequences' as Hostile } });

    // Act
    const pause = await window('pause', request);
    const resume = await window('resume', request);
    const list = await observe(h!, ['list', '--provider', vendor, '--secret', request.secret, ...(vendor === 'deltadna' ? ['--environment', '8756'] : [])]);

    // Assess
    for (const [what, run] of [['pause', pause], ['resume', resume], ['list', list]] as const) {
      await assessHygiene(h!, run, what);
      expect(run.code, `${what}: ${run.stderr}`).toBe(0);
      expect(CONTROL.exec(run.stdout)?.[0].codePointAt(0)?.toString(16), `${what}: a control character on stdout`).toBeUndefined();
      expect(CONTROL.exec(run.stderr)?.[0].codePointAt(0)?.toString(16), `${what}: a control character on stderr`).toBeUndefined();
    }
    expect(pause.stdout).toMatch(/4 changed/);
    expect(resume.stdout).toMatch(/4 changed/);
  }, CASE_TIMEOUT_MS);
});
