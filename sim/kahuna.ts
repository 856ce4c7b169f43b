/**
 * Kahuna Adaptive Campaign API simulator, after the vendor's Adaptive Campaign API document and
 * Job Status article and, where they are silent, the behaviour it assumes: populate with BasicAuth and env=p|s, at most 10 requests
 * in flight, bodies under 10 MB, and background jobs that move PENDING -> RUNNING -> DONE | FAILED
 * with time.
 *
 * Counts: total_users_requested is known at once; total_users_scheduled and
 * total_users_not_found stay 0 until the job is DONE, then hold the final numbers
 * (a FAILED job reports 0 scheduled and 0 not found).
 */
import { randomInt } from 'node:crypto';
import { checkHostile, HostileBehaviour, neverEndingStream, openObject, oversizedStream, redirectReply } from './hostile.js';
import type { Hostile, HostileConfig } from './hostile.js';
import { composeSim, isRecord, jsonReply, parseJson, startSimServer } from './http.js';
import type { SimBase, SimExchange, SimReply } from './http.js';

const KahunaEnv = { production: 'p', sandbox: 's' } as const;
type KahunaEnv = (typeof KahunaEnv)[keyof typeof KahunaEnv];

const KahunaJobStatus = { pending: 'PENDING', running: 'RUNNING', done: 'DONE', failed: 'FAILED' } as const;
type KahunaJobStatus = (typeof KahunaJobStatus)[keyof typeof KahunaJobStatus];

/** The white-listed user credentials of the vendor document. */
const KAHUNA_CRED_TYPES = [
  'dev_id',
  'username',
  'email',
  'fbid',
  'twtr',
  'lnk',
  'user_id',
  'token',
  'install_token',
  'gplus_id',
] as const;

/** A job as the simulator keeps it: counts only, never the users, so benchmarks stay small. */
interface KahunaJob {
  readonly id: string;
  readonly env: KahunaEnv;
  readonly campaignId: number;
  readonly credType: string;
  readonly observeRateLimiting: boolean;
  readonly targetGlobalControl: boolean;
  /** Recipient objects in recipient_list. */
  readonly recipients: number;
  /** k_to values over all recipients (total_users_requested). */
  readonly usersRequested: number;
  readonly usersNotFound: number;
  readonly bodyBytes: number;
  /** Simulator clock, ms. */
  readonly createdAt: number;
  readonly failed: boolean;
  /** Job Status calls so far, and when the last one came (0 if none): the vendor asks for at most one per 30 s. */
  readonly polls: number;
  readonly lastPolledAt: number;
}

interface KahunaJobTiming {
  /** PENDING for this long after creation; default 100. */
  readonly pendingMs?: number;
  /** Then RUNNING for this long, then DONE (or FAILED); default 300. */
  readonly runningMs?: number;
}

interface KahunaSimOptions {
  readonly secretKey: string;
  readonly apiKey: string;
  /** Existing adaptive campaigns. */
  readonly campaignIds: readonly number[];
  /** Populate requests in flight at once; default 10. */
  readonly maxInFlight?: number;
  /** A body of this many bytes or more is refused with 413; default 10 MiB. */
  readonly maxBodyBytes?: number;
  readonly jobTiming?: KahunaJobTiming;
  /** Users the vendor cannot find (counted in total_users_not_found). */
  readonly notFound?: (credential: string) => boolean;
  /** Jobs end FAILED instead of DONE: all of them, or those the predicate picks. */
  readonly failJobs?: boolean | ((job: Omit<KahunaJob, 'failed'>) => boolean);
  /** Valid credentials whose namespace lacks the Adaptive Campaign permission: every call is 409. */
  readonly deniedNamespace?: boolean;
  /** A vendor not to be trusted (see hostile.ts); redirect and bodies apply to populate. */
  readonly hostile?: Hostile;
  readonly latencyMs?: number;
  readonly port?: number;
  readonly clock?: () => number;
  readonly recordBodies?: boolean;
}

interface KahunaSim extends SimBase {
  readonly jobs: readonly KahunaJob[];
  job(id: string): KahunaJob | undefined;
  /** Most populate requests in flight at once. */
  readonly maxInFlightSeen: number;
  /** 429 answers sent for too many requests in flight. */
  readonly throttledCount: number;
  /** Turns a hostile behaviour on (or off with undefined) from the next request. */
  setHostile(hostile: Hostile | undefined): void;
}

/** The same fields, writable while the simulator owns the job. */
type StoredJob = { -readonly [K in keyof KahunaJob]: KahunaJob[K] };

/** A populate body that passed validation, reduced to what a job needs. */
interface PopulateSummary {
  readonly campaignId: number;
  readonly credType: string;
  readonly observeRateLimiting: boolean;
  readonly targetGlobalControl: boolean;
  readonly recipients: number;
  readonly credentials: readonly string[];
}

type Validation = { readonly ok: true; readonly value: PopulateSummary } | { readonly ok: false; readonly detail: string };

const POPULATE_PATH = '/api/campaign/populate';
const HOSTILE: readonly HostileBehaviour[] = [
  HostileBehaviour.redirect,
  HostileBehaviour.echoCredentials,
  HostileBehaviour.oversizedBody,
  HostileBehaviour.neverEndingBody,
];
const JOB_PATH = /^\/api\/campaign\/populate\/([^/]+)$/;
const ERRORS: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Unauthorized',
  404: 'Not found',
  409: 'Conflict',
  413: 'Request entity too large',
  429: 'Too many requests',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
};

/** Kahuna's error shape: success false, the HTTP code repeated, and a detail naming the problem. */
function kahunaError(status: number, detail: string): SimReply {
  return jsonReply(status, { success: false, error: ERRORS[status] ?? 'Error', error_code: status, error_detail: detail });
}

function invalid(detail: string): Validation {
  return { ok: false, detail };
}

/** k_send_ts: whole seconds since the epoch, GMT, as a JSON integer. */
function isSendTs(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function validateConfig(config: unknown): { ok: false; detail: string } | { ok: true; value: Omit<PopulateSummary, 'recipients' | 'credentials'> } {
  if (!isRecord(config)) return { ok: false, detail: 'campaign_config is required and must be an object' };
  const { campaign_id: campaignId, cred_type: credType, observe_rate_limiting: observe, target_global_control: globalControl } = config;
  if (typeof campaignId !== 'number' || !Number.isSafeInteger(campaignId)) {
    return { ok: false, detail: 'campaign_config.campaign_id is required and must be an integer' };
  }
  if (typeof credType !== 'string' || !(KAHUNA_CRED_TYPES as readonly string[]).includes(credType)) {
    return { ok: false, detail: `campaign_config.cred_type ${JSON.stringify(credType)} is not a white-listed credential (${KAHUNA_CRED_TYPES.join(', ')})` };
  }
  if (observe !== undefined && typeof observe !== 'boolean') return { ok: false, detail: 'campaign_config.observe_rate_limiting must be a boolean' };
  if (globalControl !== undefined && typeof globalControl !== 'boolean') {
    return { ok: false, detail: 'campaign_config.target_global_control must be a boolean' };
  }
  return { ok: true, value: { campaignId, credType, observeRateLimiting: observe ?? true, targetGlobalControl: globalControl ?? false } };
}

/** Checks one recipient object and adds its k_to values to `credentials`; a problem message otherwise. */
function collectRecipient(recipient: unknown, index: number, credentials: string[]): string | undefined {
  const where = `recipient_list[${index}]`;
  if (!isRecord(recipient)) return `${where} must be an object`;
  const to = recipient.k_to;
  if (!Array.isArray(to) || to.length === 0) return `${where}.k_to is required and must be a non-empty array`;
  for (const value of to) {
    if (typeof value !== 'string') return `${where}.k_to must be an array of strings`;
  }
  if (recipient.k_send_ts !== undefined && !isSendTs(recipient.k_send_ts)) {
    return `${where}.k_send_ts must be an integer number of seconds since the epoch`;
  }
  for (const value of to as string[]) credentials.push(value);
  return undefined;
}

function validatePopulate(body: unknown, campaignIds: ReadonlySet<number>): Validation {
  if (!isRecord(body)) return invalid('the request body must be a JSON object');
  const config = validateConfig(body.campaign_config);
  if (!config.ok) return config;
  if (!campaignIds.has(config.value.campaignId)) {
    return invalid(`campaign_config.campaign_id ${config.value.campaignId} is not an existing adaptive campaign`);
  }
  const defaults = body.default_params;
  if (defaults !== undefined && !isRecord(defaults)) return invalid('default_params must be an object');
  if (defaults?.k_send_ts !== undefined && !isSendTs(defaults.k_send_ts)) {
    return invalid('default_params.k_send_ts must be an integer number of seconds since the epoch');
  }
  const list = body.recipient_list;
  if (!Array.isArray(list) || list.length === 0) return invalid('recipient_list is required and must be a non-empty array');
  const credentials: string[] = [];
  for (const [index, recipient] of list.entries()) {
    const problem = collectRecipient(recipient, index, credentials);
    if (problem !== undefined) return invalid(problem);
  }
  return { ok: true, value: { ...config.value, recipients: list.length, credentials } };
}

/** "YYYY-MM-DDTHH:mm:ss.ssssss" in GMT, as the vendor document gives it. */
function kahunaTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000`;
}

/** Decimal like App Engine's 64-bit ids, kept as a string so no client loses digits. */
function newJobId(): string {
  return `${randomInt(1, 10)}${String(randomInt(0, 2 ** 47)).padStart(15, '0')}`;
}

function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const match = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function parseEnv(raw: string | null): KahunaEnv | undefined {
  return raw === KahunaEnv.production || raw === KahunaEnv.sandbox ? raw : undefined;
}

async function startKahunaSim(options: KahunaSimOptions): Promise<KahunaSim> {
  const campaignIds = new Set(options.campaignIds);
  const maxInFlight = options.maxInFlight ?? 10;
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const pendingMs = options.jobTiming?.pendingMs ?? 100;
  const runningMs = options.jobTiming?.runningMs ?? 300;
  const notFound = options.notFound ?? (() => false);
  const jobs: StoredJob[] = [];
  const jobsById = new Map<string, StoredJob>();
  let throttledCount = 0;
  let hostile: HostileConfig | undefined = checkHostile('Kahuna', HOSTILE, options.hostile);

  /** echo-credentials: every error repeats the caller's Authorization header and what it decodes to. */
  const echoCredentials = (exchange: SimExchange, reply: SimReply): SimReply => {
    if (hostile?.behaviour !== HostileBehaviour.echoCredentials || reply.status < 400 || !isRecord(reply.body)) return reply;
    const authorization = exchange.headers.authorization ?? '-';
    const decoded = parseBasicAuth(authorization);
    const said = decoded === undefined ? 'nothing' : `secret key ${decoded.user}, api key ${decoded.password} (${decoded.user}:${decoded.password})`;
    const body = reply.body;
    return {
      ...reply,
      body: { ...body, error: `${String(body.error)} for ${authorization}`, error_detail: `${String(body.error_detail)}; you sent ${said}` },
    };
  };

  const statusOf = (job: StoredJob, now: number): KahunaJobStatus => {
    const age = now - job.createdAt;
    if (age < pendingMs) return KahunaJobStatus.pending;
    if (age < pendingMs + runningMs) return KahunaJobStatus.running;
    return job.failed ? KahunaJobStatus.failed : KahunaJobStatus.done;
  };

  const describe = (job: StoredJob, now: number): Record<string, unknown> => {
    const status = statusOf(job, now);
    const done = status === KahunaJobStatus.done;
    return {
      job_id: job.id,
      created: kahunaTimestamp(job.createdAt),
      status,
      campaign_id: job.campaignId,
      cred_type: job.credType,
      observe_rate_limiting: job.observeRateLimiting,
      target_global_control: job.targetGlobalControl,
      total_users_requested: job.usersRequested,
      total_users_scheduled: done ? job.usersRequested - job.usersNotFound : 0,
      total_users_not_found: done ? job.usersNotFound : 0,
    };
  };

  const createJob = (summary: PopulateSummary, env: KahunaEnv, exchange: SimExchange): StoredJob => {
    const job: StoredJob = {
      id: newJobId(),
      env,
      campaignId: summary.campaignId,
      credType: summary.credType,
      observeRateLimiting: summary.observeRateLimiting,
      targetGlobalControl: summary.targetGlobalControl,
      recipients: summary.recipients,
      usersRequested: summary.credentials.length,
      usersNotFound: summary.credentials.filter((credential) => notFound(credential)).length,
      bodyBytes: exchange.body.bytes,
      createdAt: exchange.now,
      failed: false,
      polls: 0,
      lastPolledAt: 0,
    };
    const fail = options.failJobs;
    job.failed = typeof fail === 'function' ? fail({ ...job }) : fail === true;
    jobs.push(job);
    jobsById.set(job.id, job);
    return job;
  };

  const populate = (exchange: SimExchange, env: KahunaEnv): SimReply => {
    if (exchange.method !== 'POST') return kahunaError(400, `populate takes POST, not ${exchange.method}`);
    if (exchange.inFlight > maxInFlight) {
      throttledCount += 1;
      return kahunaError(429, `more than ${maxInFlight} requests in flight`);
    }
    if (exchange.body.kind === 'tooLarge') {
      return kahunaError(413, `the request body must be smaller than ${maxBodyBytes} bytes (got ${exchange.body.bytes} or more)`);
    }
    if (exchange.body.text.trim() === '') return kahunaError(400, 'the request has no JSON body');
    const parsed = parseJson(exchange.body.text);
    if (!parsed.ok) return kahunaError(400, 'the request body is not valid JSON');
    const checked = validatePopulate(parsed.value, campaignIds);
    if (!checked.ok) return kahunaError(400, checked.detail);
    const job = describe(createJob(checked.value, env, exchange), exchange.now);
    if (hostile?.behaviour === HostileBehaviour.oversizedBody) {
      return { status: 200, stream: oversizedStream(hostile, `${openObject(job)},"padding":"`, '"}') };
    }
    if (hostile?.behaviour === HostileBehaviour.neverEndingBody) {
      return { status: 200, stream: neverEndingStream(`${openObject(job)},"padding":"`) };
    }
    return jsonReply(200, job);
  };

  const jobStatus = (exchange: SimExchange, env: KahunaEnv, id: string): SimReply => {
    if (exchange.method !== 'GET') return kahunaError(400, `Job Status takes GET, not ${exchange.method}`);
    const job = jobsById.get(id);
    // A job belongs to the env it was created in: asked for in the other env, it does not exist.
    if (job === undefined || job.env !== env) return kahunaError(400, `unknown job id '${id}' in env=${env}`);
    job.polls += 1;
    job.lastPolledAt = exchange.now;
    return jsonReply(200, describe(job, exchange.now));
  };

  const handle = (exchange: SimExchange): SimReply => {
    const jobMatch = JOB_PATH.exec(exchange.pathname);
    if (exchange.pathname !== POPULATE_PATH && jobMatch === null) return kahunaError(404, `no resource at ${exchange.pathname}`);
    const env = parseEnv(exchange.query.get('env'));
    if (env === undefined) return kahunaError(401, 'the request URL must carry env=p or env=s');
    const credentials = parseBasicAuth(exchange.headers.authorization);
    const authorized = credentials?.user === options.secretKey && credentials.password === options.apiKey;
    exchange.record.authorized = authorized;
    if (!authorized) return kahunaError(401, credentials === undefined ? 'BasicAuth is required' : 'unknown Secret Key or invalid API Key');
    if (options.deniedNamespace === true) return kahunaError(409, 'this namespace is not authorized to use the Adaptive Campaign API');
    if (jobMatch === null && hostile?.behaviour === HostileBehaviour.redirect) {
      return redirectReply(hostile, exchange, 307);
    }
    return jobMatch === null ? populate(exchange, env) : jobStatus(exchange, env, jobMatch[1] ?? '');
  };

  const server = await startSimServer({
    handle,
    errorReply: kahunaError,
    decorate: echoCredentials,
    maxBodyBytes,
    // The vendor's limit of ten simultaneous requests is about populate calls.
    countsInFlight: (head) => head.method === 'POST' && head.pathname === POPULATE_PATH,
    port: options.port,
    latencyMs: options.latencyMs,
    clock: options.clock,
    recordBodies: options.recordBodies,
  });

  return composeSim(server, {
    get jobs(): readonly KahunaJob[] {
      return jobs.map((job) => ({ ...job }));
    },
    job(id: string): KahunaJob | undefined {
      const job = jobsById.get(id);
      return job === undefined ? undefined : { ...job };
    },
    get maxInFlightSeen(): number {
      return server.maxInFlightSeen;
    },
    get throttledCount(): number {
      return throttledCount;
    },
    setHostile(next: Hostile | undefined): void {
      hostile = checkHostile('Kahuna', HOSTILE, next);
    },
  });
}

export { KAHUNA_CRED_TYPES, KahunaEnv, KahunaJobStatus, startKahunaSim };
export type { KahunaJob, KahunaJobTiming, KahunaSim, KahunaSimOptions };
