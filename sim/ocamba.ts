/**
 * Ocamba Hood API simulator, after the vendor's public Hood API documentation (docs.ocamba.com) and,
 * where it is silent, the behaviour the simulator assumes: bearer token, paged listing in a {total, items} envelope,
 * pause with a reason, resume, and the account's rate limits (fixed windows of 10/s and 150/min,
 * 10 in flight) with their headers.
 */
import { randomUUID } from 'node:crypto';
import {
  base64,
  checkHostile,
  escapeName,
  HostileBehaviour,
  lyingRateLimitHeaders,
  neverEndingStream,
  oversizedStream,
  bearerOf,
  openObject,
  redirectReply,
} from './hostile.js';
import type { Hostile, HostileConfig } from './hostile.js';
import { composeSim, isRecord, jsonReply, parseJson, startSimServer } from './http.js';
import type { RequestHead, SimBase, SimExchange, SimReply } from './http.js';

const OcambaStatus = {
  draft: 'draft',
  scheduled: 'scheduled',
  running: 'running',
  paused: 'paused',
  canceled: 'canceled',
} as const;
type OcambaStatus = (typeof OcambaStatus)[keyof typeof OcambaStatus];

/** Extra fields are served as given: clients must ignore what they do not know. */
interface OcambaCampaign {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly labels?: readonly string[];
  readonly status: OcambaStatus;
  /** "YYYY-MM-DD HH:MM:SS" */
  readonly scheduled_time?: string;
  readonly send_strategy?: string;
  /** Set by a pause through the API; removed on resume. */
  readonly pause_reason?: string;
  readonly [extra: string]: unknown;
}

interface OcambaLimits {
  /** Default 10. */
  readonly perSecond?: number;
  /** Default 150. */
  readonly perMinute?: number;
  /** Parallel requests; default 10. */
  readonly inFlight?: number;
}

interface OcambaSimOptions {
  readonly token: string;
  readonly campaigns: readonly OcambaCampaign[];
  readonly limits?: OcambaLimits;
  /** A vendor not to be trusted (see hostile.ts); redirect applies to pause, bodies to the listing. */
  readonly hostile?: Hostile;
  readonly latencyMs?: number;
  readonly port?: number;
  readonly clock?: () => number;
  readonly recordBodies?: boolean;
}

interface OcambaSim extends SimBase {
  /** 429 answers sent (window and parallel limits together). */
  readonly throttledCount: number;
  /** Most authenticated requests in flight at once. */
  readonly maxInFlightSeen: number;
  campaign(id: string): OcambaCampaign | undefined;
  campaigns(): OcambaCampaign[];
  /** A person acting in the Hood UI; pausing this way is remembered for resume like an API pause. */
  setStatus(id: string, status: OcambaStatus): void;
  addCampaigns(campaigns: readonly OcambaCampaign[]): void;
  /** Another process of the same account used `n` requests in the current windows. */
  useQuota(n: number): void;
  /** Turns a hostile behaviour on (or off with undefined) from the next request. */
  setHostile(hostile: Hostile | undefined): void;
}

interface StoredCampaign {
  data: OcambaCampaign;
  /** What resume without a body returns to; set when the campaign is paused. */
  resumeTo: OcambaStatus | undefined;
}

interface Window {
  readonly limit: number;
  readonly lengthMs: number;
  key: number;
  used: number;
}

type Admission =
  | { readonly ok: true; readonly headers: Record<string, string> }
  | { readonly ok: false; readonly retryAfterSeconds: number };

const LIST_PATH = '/v1/hood/campaigns';
const CAMPAIGN_PATH = /^\/v1\/hood\/campaigns\/([^/]+)(?:\/(pause|resume))?$/;
const DEFAULT_PER_PAGE = 20;
const HOSTILE: readonly HostileBehaviour[] = [
  HostileBehaviour.redirect,
  HostileBehaviour.echoCredentials,
  HostileBehaviour.lyingRateLimit,
  HostileBehaviour.endlessPages,
  HostileBehaviour.oversizedBody,
  HostileBehaviour.neverEndingBody,
  HostileBehaviour.escapeSequences,
];
/** What endless pages claim the list holds. */
const ENDLESS_TOTAL = 1e12;
const MAX_PER_PAGE = 100;
const SCHEDULED_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad request.',
  401: 'Unauthorized.',
  403: 'Forbidden.',
  404: 'Not found.',
  405: 'Method not allowed.',
  413: 'Request entity too large.',
  429: 'Too many requests.',
  500: 'Internal server error.',
  502: 'Bad gateway.',
  503: 'Service unavailable.',
  504: 'Gateway timeout.',
};

/** Ocamba's error body; `message` only where there is more to say than the title. */
function ocambaError(status: number, message?: string, headers?: Record<string, string>): SimReply {
  const body = { code: status, title: TITLES[status] ?? 'Error.', ...(message === undefined ? {} : { message }), trace_id: randomUUID() };
  return jsonReply(status, body, headers);
}

function isAuthorized(head: RequestHead, token: string): boolean {
  return head.headers.authorization === `Bearer ${token}`;
}

function newWindow(limit: number, lengthMs: number): Window {
  if (!(limit >= 1)) throw new RangeError(`Ocamba simulator: a rate limit must be >= 1, got ${limit}`);
  return { limit, lengthMs, key: -1, used: 0 };
}

/** Fixed windows aligned to the clock: a new second (minute) starts a fresh count. */
function roll(window: Window, now: number): void {
  const key = Math.floor(now / window.lengthMs);
  if (key !== window.key) {
    window.key = key;
    window.used = 0;
  }
}

function secondsUntilReset(window: Window, now: number): number {
  return Math.max(1, Math.ceil(((window.key + 1) * window.lengthMs - now) / 1000));
}

/**
 * Admits a request into every window or none (a refused request uses no quota). The headers
 * describe the tighter window: fewer remaining, and on a tie the one that resets later.
 */
function admit(windows: readonly Window[], now: number): Admission {
  for (const window of windows) roll(window, now);
  const full = windows.filter((window) => window.used >= window.limit);
  if (full.length > 0) {
    return { ok: false, retryAfterSeconds: Math.max(...full.map((window) => secondsUntilReset(window, now))) };
  }
  for (const window of windows) window.used += 1;
  const tighter = windows.reduce((best, window) => {
    const remaining = window.limit - window.used;
    const bestRemaining = best.limit - best.used;
    if (remaining !== bestRemaining) return remaining < bestRemaining ? window : best;
    return secondsUntilReset(window, now) > secondsUntilReset(best, now) ? window : best;
  });
  return {
    ok: true,
    headers: {
      'x-ratelimit-limit': String(tighter.limit),
      'x-ratelimit-remaining': String(tighter.limit - tighter.used),
      'x-ratelimit-reset': String(secondsUntilReset(tighter, now)),
    },
  };
}

/** `page=N,M`: page N from 1, M per page (served as at most 100). */
function parsePage(raw: string | null): { page: number; perPage: number } | undefined {
  if (raw === null) return { page: 1, perPage: DEFAULT_PER_PAGE };
  const match = /^(\d{1,9})(?:,(\d{1,9}))?$/.exec(raw);
  if (match === null) return undefined;
  const page = Number(match[1]);
  const perPage = match[2] === undefined ? DEFAULT_PER_PAGE : Number(match[2]);
  if (page < 1 || perPage < 1) return undefined;
  return { page, perPage: Math.min(perPage, MAX_PER_PAGE) };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function copyCampaign(campaign: OcambaCampaign): OcambaCampaign {
  return structuredClone(campaign);
}

function addTo(store: Map<string, StoredCampaign>, campaigns: readonly OcambaCampaign[]): void {
  for (const campaign of campaigns) {
    if (store.has(campaign.id)) throw new Error(`Ocamba simulator: duplicate campaign id ${campaign.id}`);
    store.set(campaign.id, { data: copyCampaign(campaign), resumeTo: undefined });
  }
}

function changeStatus(stored: StoredCampaign, status: OcambaStatus): void {
  const before = stored.data.status;
  if (status === OcambaStatus.paused && (before === OcambaStatus.running || before === OcambaStatus.scheduled)) {
    stored.resumeTo = before;
  } else if (status !== OcambaStatus.paused) {
    stored.resumeTo = undefined;
  }
  stored.data = { ...stored.data, status };
}

/** The JSON object a request carries ({} for an empty body when allowed); undefined when it is not valid. */
function objectBody(exchange: SimExchange, emptyAllowed: boolean): Record<string, unknown> | undefined {
  if (exchange.body.kind !== 'ok') return undefined;
  if (exchange.body.text.trim() === '') return emptyAllowed ? {} : undefined;
  const parsed = parseJson(exchange.body.text);
  return parsed.ok && isRecord(parsed.value) ? parsed.value : undefined;
}

function pause(stored: StoredCampaign, exchange: SimExchange): SimReply {
  // The documented request schema is {"reason": string}: an empty or non-object body is refused.
  const body = objectBody(exchange, false);
  if (body === undefined || (body.reason !== undefined && typeof body.reason !== 'string')) {
    return ocambaError(400, 'The request body is not valid.');
  }
  const { status } = stored.data;
  if (status !== OcambaStatus.running && status !== OcambaStatus.scheduled) {
    return ocambaError(400, "Only campaign in status 'running' or 'scheduled' can be paused.");
  }
  changeStatus(stored, OcambaStatus.paused);
  if (typeof body.reason === 'string') stored.data = { ...stored.data, pause_reason: body.reason };
  return { status: 204 };
}

function resume(stored: StoredCampaign, exchange: SimExchange): SimReply {
  const body = objectBody(exchange, true);
  if (body === undefined) return ocambaError(400, 'The request body is not valid.');
  const runImmediately = body.run_immediately;
  const scheduledTime = body.scheduled_time;
  if (runImmediately !== undefined && runImmediately !== 1 && runImmediately !== true) {
    return ocambaError(400, 'The request body is not valid.');
  }
  if (scheduledTime !== undefined && (typeof scheduledTime !== 'string' || !SCHEDULED_TIME.test(scheduledTime))) {
    return ocambaError(400, "scheduled_time must look like 'YYYY-MM-DD HH:MM:SS'.");
  }
  if (runImmediately !== undefined && scheduledTime !== undefined) {
    return ocambaError(400, 'Give either run_immediately or scheduled_time, not both.');
  }
  if (stored.data.status !== OcambaStatus.paused) {
    return ocambaError(400, "Only campaign in status 'paused' can be resumed.");
  }
  // A campaign paused outside the simulator's sight (seeded as paused) has no known past: running.
  const next =
    runImmediately !== undefined
      ? OcambaStatus.running
      : scheduledTime !== undefined
        ? OcambaStatus.scheduled
        : (stored.resumeTo ?? OcambaStatus.running);
  const { pause_reason: _reason, ...rest } = stored.data;
  stored.resumeTo = undefined;
  stored.data = { ...rest, status: next, ...(typeof scheduledTime === 'string' ? { scheduled_time: scheduledTime } : {}) };
  return { status: 204 };
}

async function startOcambaSim(options: OcambaSimOptions): Promise<OcambaSim> {
  const store = new Map<string, StoredCampaign>();
  addTo(store, options.campaigns);
  const windows = [
    newWindow(options.limits?.perSecond ?? 10, 1000),
    newWindow(options.limits?.perMinute ?? 150, 60_000),
  ] as const;
  const maxInFlight = options.limits?.inFlight ?? 10;
  let throttledCount = 0;
  let hostile: HostileConfig | undefined = checkHostile('Ocamba', HOSTILE, options.hostile);
  let lies = 0;
  const isHostile = (behaviour: HostileBehaviour): boolean => hostile?.behaviour === behaviour;

  /** A campaign as served: with the token in its name, or escapes, when hostile. */
  const served = (campaign: OcambaCampaign): OcambaCampaign => {
    if (isHostile(HostileBehaviour.escapeSequences)) return { ...campaign, name: escapeName(campaign.name) };
    if (isHostile(HostileBehaviour.echoCredentials)) return { ...campaign, name: `${campaign.name} [api ${options.token}]` };
    return campaign;
  };

  /** echo-credentials: every error repeats the caller's Authorization header, its token and the token in base64. */
  const echoCredentials = (exchange: SimExchange, reply: SimReply): SimReply => {
    if (!isHostile(HostileBehaviour.echoCredentials) || reply.status < 400 || !isRecord(reply.body)) return reply;
    const authorization = exchange.headers.authorization ?? '-';
    const token = bearerOf(authorization) ?? options.token;
    const body = reply.body;
    return {
      ...reply,
      body: {
        ...body,
        title: `${String(body.title)} (${authorization})`,
        message: `${typeof body.message === 'string' ? body.message : 'Refused.'} Token ${token}, base64 ${base64(token)}, as Basic ${base64(`${token}:`)}.`,
      },
    };
  };

  const list = (exchange: SimExchange): SimReply => {
    const paging = parsePage(exchange.query.get('page'));
    if (paging === undefined) return ocambaError(400, "The page parameter must look like 'N' or 'N,M' with N and M from 1.");
    const q = exchange.query.get('q')?.toLowerCase();
    const matching = [...store.values()]
      .map((stored) => stored.data)
      .filter((campaign) => q === undefined || q === '' || campaign.name.toLowerCase().includes(q))
      .map(served);
    if (hostile !== undefined) {
      const first = openObject(matching[0] ?? { id: '0', name: 'Filler', status: OcambaStatus.canceled });
      if (hostile.behaviour === HostileBehaviour.oversizedBody) {
        return { status: 200, stream: oversizedStream(hostile, `{"total":1,"items":[${first},"padding":"`, '"}]}') };
      }
      if (hostile.behaviour === HostileBehaviour.neverEndingBody) {
        return { status: 200, stream: neverEndingStream(`{"total":1,"items":[${first},"padding":"`) };
      }
      if (hostile.behaviour === HostileBehaviour.endlessPages) {
        // A trillion campaigns, and every page is the first one again.
        return jsonReply(200, { total: ENDLESS_TOTAL, items: matching.slice(0, paging.perPage) });
      }
    }
    const start = (paging.page - 1) * paging.perPage;
    return jsonReply(200, { total: matching.length, items: matching.slice(start, start + paging.perPage) });
  };

  const campaignRoute = (exchange: SimExchange, id: string, action: string | undefined): SimReply => {
    const wantedMethod = action === undefined ? 'GET' : 'POST';
    if (exchange.method !== wantedMethod) return ocambaError(405);
    const stored = store.get(id);
    // No 404 is documented for an unknown id: the API answers 400.
    if (stored === undefined) return ocambaError(400, `Campaign '${id}' not found.`);
    if (action === 'pause') {
      if (hostile !== undefined && hostile.behaviour === HostileBehaviour.redirect) {
        return redirectReply(hostile, exchange, 302);
      }
      return pause(stored, exchange);
    }
    if (action === 'resume') return resume(stored, exchange);
    return jsonReply(200, { total: 1, items: [served(stored.data)] });
  };

  const route = (exchange: SimExchange): SimReply => {
    if (exchange.pathname === LIST_PATH) return exchange.method === 'GET' ? list(exchange) : ocambaError(405);
    const match = CAMPAIGN_PATH.exec(exchange.pathname);
    if (match === null) return ocambaError(404);
    return campaignRoute(exchange, safeDecode(match[1] ?? ''), match[2]);
  };

  const throttle = (retryAfter: number): SimReply => {
    throttledCount += 1;
    return ocambaError(429, undefined, { 'retry-after': String(retryAfter) });
  };

  const handle = (exchange: SimExchange): SimReply => {
    const authorized = isAuthorized(exchange, options.token);
    exchange.record.authorized = authorized;
    if (!authorized) return ocambaError(401);
    if (exchange.inFlight > maxInFlight) return throttle(-1);
    const admission = admit(windows, exchange.now);
    if (!admission.ok) return throttle(admission.retryAfterSeconds);
    const reply = route(exchange);
    // Lying headers replace the true ones; the true limits still hold.
    const rateHeaders = isHostile(HostileBehaviour.lyingRateLimit) ? lyingRateLimitHeaders(lies++) : admission.headers;
    return { ...reply, headers: { ...reply.headers, ...rateHeaders } };
  };

  const server = await startSimServer({
    handle,
    errorReply: (status, message) => ocambaError(status, message),
    decorate: echoCredentials,
    // Limits are per account: unauthenticated calls take no parallel slot.
    countsInFlight: (head) => isAuthorized(head, options.token),
    port: options.port,
    latencyMs: options.latencyMs,
    clock: options.clock,
    recordBodies: options.recordBodies,
  });
  const clock = options.clock ?? Date.now;

  const mustFind = (id: string): StoredCampaign => {
    const stored = store.get(id);
    if (stored === undefined) throw new Error(`Ocamba simulator: no campaign ${id}`);
    return stored;
  };

  return composeSim(server, {
    get throttledCount(): number {
      return throttledCount;
    },
    get maxInFlightSeen(): number {
      return server.maxInFlightSeen;
    },
    setHostile(next: Hostile | undefined): void {
      hostile = checkHostile('Ocamba', HOSTILE, next);
    },
    campaign(id: string): OcambaCampaign | undefined {
      const stored = store.get(id);
      return stored === undefined ? undefined : copyCampaign(stored.data);
    },
    campaigns(): OcambaCampaign[] {
      return [...store.values()].map((stored) => copyCampaign(stored.data));
    },
    setStatus(id: string, status: OcambaStatus): void {
      changeStatus(mustFind(id), status);
    },
    addCampaigns(campaigns: readonly OcambaCampaign[]): void {
      addTo(store, campaigns);
    },
    useQuota(n: number): void {
      const now = clock();
      for (const window of windows) {
        roll(window, now);
        window.used += n;
      }
    },
  });
}

export { OcambaStatus, startOcambaSim };
export type { OcambaCampaign, OcambaLimits, OcambaSim, OcambaSimOptions };
