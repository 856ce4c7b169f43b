/**
 * deltaDNA Engage Platform API simulator, after the vendor's Platform API tutorial and, where it is
 * silent, the behaviour the simulator assumes: key/password authentication giving an expiring idToken,
 * environments, event-triggered and decision-point campaigns listed by limit/page, pause and play.
 */
import { randomBytes } from 'node:crypto';
import {
  absurdLifetime,
  base64,
  checkHostile,
  escapeName,
  HostileBehaviour,
  neverEndingStream,
  oversizedStream,
  bearerOf,
  openObject,
  redirectReply,
} from './hostile.js';
import type { Hostile, HostileConfig } from './hostile.js';
import { composeSim, isRecord, jsonReply, parseJson, startSimServer } from './http.js';
import type { SimBase, SimExchange, SimReply } from './http.js';

const DeltaDnaStatus = {
  draft: 'DRAFT',
  scheduled: 'SCHEDULED',
  active: 'ACTIVE',
  paused: 'PAUSED',
  completed: 'COMPLETED',
} as const;
type DeltaDnaStatus = (typeof DeltaDnaStatus)[keyof typeof DeltaDnaStatus];

const DeltaDnaCampaignKind = {
  eventTriggered: 'event-triggered',
  decisionPoint: 'decision-point',
} as const;
type DeltaDnaCampaignKind = (typeof DeltaDnaCampaignKind)[keyof typeof DeltaDnaCampaignKind];

interface DeltaDnaEnvironment {
  readonly id: number;
  readonly game: string;
  readonly name: string;
}

/** Extra fields are served as given: clients must ignore what they do not know. */
interface DeltaDnaCampaign {
  readonly id: number;
  readonly name: string;
  readonly environment: number;
  readonly status: DeltaDnaStatus;
  readonly [extra: string]: unknown;
}

interface DeltaDnaSimOptions {
  readonly key: string;
  readonly password: string;
  /** Lifetime of an idToken; default 1800 (what the Unity SDK caches it for). */
  readonly tokenTtlSeconds?: number;
  readonly environments: readonly DeltaDnaEnvironment[];
  readonly campaigns: readonly DeltaDnaCampaign[];
  readonly decisionPointCampaigns?: readonly DeltaDnaCampaign[];
  /** Successful pause/play status: 204 (default, no body) or 200 (the campaign). Both are documented as success. */
  readonly controlStatus?: 200 | 204;
  /** A vendor not to be trusted (see hostile.ts); redirect applies to authenticate, bodies to the listing. */
  readonly hostile?: Hostile;
  readonly latencyMs?: number;
  readonly port?: number;
  readonly clock?: () => number;
  readonly recordBodies?: boolean;
}

interface DeltaDnaSim extends SimBase {
  /** Successful authentications so far. */
  readonly authCount: number;
  /** Every idToken issued so far, oldest first: a test can look for them where they must not be. */
  readonly issuedTokens: readonly string[];
  /** Most requests in flight at once (deltaDNA sets no limit; this shows the client's own bound). */
  readonly maxInFlightSeen: number;
  /** Every token issued so far expires now (early expiry, revoked key). */
  expireTokens(): void;
  /** A copy of the campaign as it is now; looks in event-triggered first when no kind is given. */
  campaign(id: number, kind?: DeltaDnaCampaignKind): DeltaDnaCampaign | undefined;
  campaigns(kind?: DeltaDnaCampaignKind): DeltaDnaCampaign[];
  /** A person acting in the Engage UI; pausing this way is remembered for play like an API pause. */
  setStatus(id: number, status: DeltaDnaStatus, kind?: DeltaDnaCampaignKind): void;
  addCampaigns(campaigns: readonly DeltaDnaCampaign[], kind?: DeltaDnaCampaignKind): void;
  /** Turns a hostile behaviour on (or off with undefined) from the next request. */
  setHostile(hostile: Hostile | undefined): void;
}

interface StoredCampaign {
  data: DeltaDnaCampaign;
  /** Status that play returns to; set when the campaign is paused. */
  resumeTo: DeltaDnaStatus | undefined;
}

type Store = Map<number, StoredCampaign>;

const AUTH_PATH = '/api/authentication/v1/authenticate';
const ENVIRONMENTS_PATH = '/api/engage/v1/environments';
const CAMPAIGN_PATH = /^\/api\/engage\/v1\/campaigns\/(event-triggered|decision-point)(?:\/([^/]+))?(?:\/(pause|play))?$/;
const DEFAULT_LIMIT = 100;
const HOSTILE: readonly HostileBehaviour[] = [
  HostileBehaviour.redirect,
  HostileBehaviour.echoCredentials,
  HostileBehaviour.endlessPages,
  HostileBehaviour.oversizedBody,
  HostileBehaviour.neverEndingBody,
  HostileBehaviour.absurdTokenLifetime,
  HostileBehaviour.escapeSequences,
];
/** Where endless pages get the campaigns that fill them: ids and an environment no demo uses. */
const FILLER_ID = 990_000;
const FILLER_ENVIRONMENT = 1;
const MAX_LIMIT = 1000;
const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** RFC 7807 problem body, the shape every deltaDNA error takes here. */
function problem(status: number, detail: string): SimReply {
  return {
    status,
    body: { title: TITLES[status] ?? 'Error', status, detail },
    contentType: PROBLEM_CONTENT_TYPE,
  };
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** JWT-shaped but opaque: clients must not rely on reading it, only on `expiresIn`. */
function newIdToken(issuedAt: number, ttlSeconds: number): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const iat = Math.floor(issuedAt / 1000);
  const payload = base64url(JSON.stringify({ sub: 'api-key', iat, exp: iat + ttlSeconds, jti: randomBytes(8).toString('hex') }));
  return `${header}.${payload}.${base64url(randomBytes(32))}`;
}

function parseCount(raw: string | null, fallback: number): number | undefined {
  if (raw === null) return fallback;
  return /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
}

function parseListParams(query: URLSearchParams): { limit: number; page: number } | SimReply {
  const limit = parseCount(query.get('limit'), DEFAULT_LIMIT);
  if (limit === undefined || limit < 1 || limit > MAX_LIMIT) {
    return problem(400, `limit must be an integer between 1 and ${MAX_LIMIT}`);
  }
  const page = parseCount(query.get('page'), 0);
  if (page === undefined) return problem(400, 'page must be an integer of 0 or more');
  return { limit, page };
}

/** Why pause is refused in a state, or undefined when it is allowed. */
function pauseRefusal(id: number, status: DeltaDnaStatus): string | undefined {
  switch (status) {
    case DeltaDnaStatus.scheduled:
    case DeltaDnaStatus.active:
      return undefined;
    case DeltaDnaStatus.draft:
      return `Campaign ${id} is not finalised`;
    case DeltaDnaStatus.paused:
      return `Campaign ${id} is already paused`;
    case DeltaDnaStatus.completed:
      return `Campaign ${id} has completed and cannot be paused`;
  }
}

function playRefusal(id: number, status: DeltaDnaStatus): string | undefined {
  switch (status) {
    case DeltaDnaStatus.paused:
      return undefined;
    case DeltaDnaStatus.draft:
      return `Campaign ${id} is not finalised`;
    case DeltaDnaStatus.completed:
      return `Campaign ${id} has completed and cannot be played`;
    case DeltaDnaStatus.scheduled:
    case DeltaDnaStatus.active:
      return `Campaign ${id} is not paused`;
  }
}

function copyCampaign(campaign: DeltaDnaCampaign): DeltaDnaCampaign {
  return structuredClone(campaign);
}

function addTo(store: Store, campaigns: readonly DeltaDnaCampaign[]): void {
  for (const campaign of campaigns) {
    if (store.has(campaign.id)) throw new Error(`deltaDNA simulator: duplicate campaign id ${campaign.id}`);
    store.set(campaign.id, { data: copyCampaign(campaign), resumeTo: undefined });
  }
}

/** Moves a campaign to a status, remembering where play should return to when it is paused. */
function changeStatus(stored: StoredCampaign, status: DeltaDnaStatus): void {
  const before = stored.data.status;
  if (status === DeltaDnaStatus.paused && (before === DeltaDnaStatus.active || before === DeltaDnaStatus.scheduled)) {
    stored.resumeTo = before;
  } else if (status !== DeltaDnaStatus.paused) {
    stored.resumeTo = undefined;
  }
  stored.data = { ...stored.data, status };
}

function redactCredentials(body: unknown): unknown {
  return isRecord(body) && 'password' in body ? { ...body, password: '***' } : body;
}

/** The key and password of an authenticate body, if it has them. */
function credentialsIn(exchange: SimExchange): { key?: string; password?: string } {
  if (exchange.body.kind !== 'ok') return {};
  const parsed = parseJson(exchange.body.text);
  if (!parsed.ok || !isRecord(parsed.value)) return {};
  const { key, password } = parsed.value;
  return { ...(typeof key === 'string' ? { key } : {}), ...(typeof password === 'string' ? { password } : {}) };
}

async function startDeltaDnaSim(options: DeltaDnaSimOptions): Promise<DeltaDnaSim> {
  const ttlSeconds = options.tokenTtlSeconds ?? 1800;
  const controlStatus = options.controlStatus ?? 204;
  const stores: Record<DeltaDnaCampaignKind, Store> = { 'event-triggered': new Map(), 'decision-point': new Map() };
  addTo(stores['event-triggered'], options.campaigns);
  addTo(stores['decision-point'], options.decisionPointCampaigns ?? []);
  const environments = options.environments.map((environment) => ({ ...environment }));
  /** idToken -> expiry (ms on the simulator clock). */
  const tokens = new Map<string, number>();
  let authCount = 0;
  let hostile: HostileConfig | undefined = checkHostile('deltaDNA', HOSTILE, options.hostile);
  const isHostile = (behaviour: HostileBehaviour): boolean => hostile?.behaviour === behaviour;

  const authenticate = (exchange: SimExchange): SimReply => {
    if (hostile !== undefined && hostile.behaviour === HostileBehaviour.redirect) {
      return redirectReply(hostile, exchange, 307);
    }
    if (exchange.method !== 'POST') return problem(405, `${exchange.method} is not allowed on ${AUTH_PATH}`);
    if (exchange.body.kind !== 'ok') return problem(413, 'Request body is too large');
    const parsed = parseJson(exchange.body.text);
    if (!parsed.ok || !isRecord(parsed.value)) return problem(400, 'The request body is not valid JSON');
    const { key, password } = parsed.value;
    if (typeof key !== 'string' || typeof password !== 'string') return problem(400, 'key and password are required');
    if (key !== options.key || password !== options.password) {
      exchange.record.authorized = false;
      return problem(401, 'Invalid API key or password');
    }
    exchange.record.authorized = true;
    authCount += 1;
    const idToken = newIdToken(exchange.now, ttlSeconds);
    tokens.set(idToken, exchange.now + ttlSeconds * 1000);
    if (hostile !== undefined && hostile.behaviour === HostileBehaviour.absurdTokenLifetime) {
      // The token still lasts ttlSeconds here; only what the answer says is absurd (raw JSON, so 1e400 can be said).
      return { status: 200, body: `{"idToken":${JSON.stringify(idToken)},"expiresIn":${absurdLifetime(hostile, authCount - 1)}}` };
    }
    return jsonReply(200, { idToken, expiresIn: ttlSeconds });
  };

  /** A campaign as served: with the password and the caller's token in its name, or escapes, when hostile. */
  const served = (campaign: DeltaDnaCampaign, exchange: SimExchange): DeltaDnaCampaign => {
    if (isHostile(HostileBehaviour.escapeSequences)) return { ...campaign, name: escapeName(campaign.name) };
    if (isHostile(HostileBehaviour.echoCredentials)) {
      return { ...campaign, name: `${campaign.name} (owner ${options.key} / ${options.password}, session ${bearerOf(exchange.headers.authorization) ?? '-'})` };
    }
    return campaign;
  };

  /** echo-credentials: every error repeats what the caller sent, raw and base64, and the account's key and password. */
  const echoCredentials = (exchange: SimExchange, reply: SimReply): SimReply => {
    if (!isHostile(HostileBehaviour.echoCredentials) || reply.status < 400 || !isRecord(reply.body)) return reply;
    const sent = credentialsIn(exchange);
    const key = sent.key ?? options.key;
    const password = sent.password ?? options.password;
    const authorization = exchange.headers.authorization ?? '-';
    const bearer = bearerOf(exchange.headers.authorization);
    const echo =
      `key ${key}, password ${password}, as Basic ${base64(`${key}:${password}`)}, Authorization: ${authorization}` +
      (bearer === undefined ? '' : `, token base64 ${base64(bearer)}`);
    const body = reply.body;
    return {
      ...reply,
      body: { ...body, title: `${String(body.title)} for ${authorization}`, detail: `${String(body.detail)} (${echo})` },
    };
  };

  /** A problem reply when the bearer token is missing, unknown or expired. */
  const checkToken = (exchange: SimExchange): SimReply | undefined => {
    const token = bearerOf(exchange.headers.authorization);
    const expiresAt = token === undefined ? undefined : tokens.get(token);
    exchange.record.authorized = expiresAt !== undefined && exchange.now < expiresAt;
    if (token === undefined) return problem(401, 'Missing bearer token');
    if (expiresAt === undefined) return problem(401, 'Invalid token');
    if (exchange.now >= expiresAt) return problem(401, 'Token has expired');
    return undefined;
  };

  const listCampaigns = (exchange: SimExchange, kind: DeltaDnaCampaignKind): SimReply => {
    const params = parseListParams(exchange.query);
    if ('status' in params) return params;
    const all = [...stores[kind].values()].map((stored) => served(stored.data, exchange));
    if (hostile !== undefined) {
      const first = all[0] ?? { id: FILLER_ID, name: 'Filler', environment: FILLER_ENVIRONMENT, status: DeltaDnaStatus.completed };
      if (hostile.behaviour === HostileBehaviour.oversizedBody) {
        return { status: 200, stream: oversizedStream(hostile, `[${openObject(first)},"padding":"`, '"}]') };
      }
      if (hostile.behaviour === HostileBehaviour.neverEndingBody) {
        return { status: 200, stream: neverEndingStream(`[${openObject(first)},"padding":"`) };
      }
      if (hostile.behaviour === HostileBehaviour.endlessPages) {
        // Whatever page is asked for, the same full page: the listing never ends by itself.
        const fillers = Array.from({ length: Math.max(0, params.limit - all.length) }, (_, i) => ({
          id: FILLER_ID + i,
          name: `Filler ${i}`,
          environment: FILLER_ENVIRONMENT,
          status: DeltaDnaStatus.completed,
        }));
        return jsonReply(200, [...all, ...fillers].slice(0, params.limit));
      }
    }
    const start = params.page * params.limit;
    return jsonReply(200, all.slice(start, start + params.limit));
  };

  const control = (stored: StoredCampaign, action: 'pause' | 'play'): SimReply => {
    const { id, status } = stored.data;
    const refusal = action === 'pause' ? pauseRefusal(id, status) : playRefusal(id, status);
    if (refusal !== undefined) return problem(400, refusal);
    changeStatus(stored, action === 'pause' ? DeltaDnaStatus.paused : (stored.resumeTo ?? DeltaDnaStatus.active));
    return controlStatus === 204 ? { status: 204 } : jsonReply(200, stored.data);
  };

  const campaignRoute = (exchange: SimExchange, match: RegExpExecArray): SimReply => {
    const kind = match[1] as DeltaDnaCampaignKind;
    const rawId = match[2];
    const action = match[3] as 'pause' | 'play' | undefined;
    if (rawId === undefined) {
      return exchange.method === 'GET' ? listCampaigns(exchange, kind) : problem(405, `${exchange.method} is not allowed here`);
    }
    if (!/^\d{1,15}$/.test(rawId)) return problem(400, `Campaign id must be an integer, got '${rawId}'`);
    const wantedMethod = action === undefined ? 'GET' : 'POST';
    if (exchange.method !== wantedMethod) return problem(405, `${exchange.method} is not allowed here`);
    const stored = stores[kind].get(Number(rawId));
    if (stored === undefined) return problem(404, `Campaign ${rawId} not found`);
    return action === undefined ? jsonReply(200, served(stored.data, exchange)) : control(stored, action);
  };

  const handle = (exchange: SimExchange): SimReply => {
    if (exchange.pathname === AUTH_PATH) return authenticate(exchange);
    const refused = checkToken(exchange);
    if (refused !== undefined) return refused;
    if (exchange.pathname === ENVIRONMENTS_PATH) {
      return exchange.method === 'GET' ? jsonReply(200, environments) : problem(405, `${exchange.method} is not allowed here`);
    }
    const match = CAMPAIGN_PATH.exec(exchange.pathname);
    if (match !== null) return campaignRoute(exchange, match);
    return problem(404, `No resource at ${exchange.pathname}`);
  };

  const server = await startSimServer({
    handle,
    errorReply: problem,
    decorate: echoCredentials,
    redactBody: (head, body) => (head.pathname === AUTH_PATH ? redactCredentials(body) : body),
    port: options.port,
    latencyMs: options.latencyMs,
    clock: options.clock,
    recordBodies: options.recordBodies,
  });
  const clock = options.clock ?? Date.now;

  const find = (id: number, kind: DeltaDnaCampaignKind | undefined): StoredCampaign | undefined =>
    kind === undefined ? (stores['event-triggered'].get(id) ?? stores['decision-point'].get(id)) : stores[kind].get(id);

  return composeSim(server, {
    get authCount(): number {
      return authCount;
    },
    get issuedTokens(): readonly string[] {
      return [...tokens.keys()];
    },
    get maxInFlightSeen(): number {
      return server.maxInFlightSeen;
    },
    setHostile(next: Hostile | undefined): void {
      hostile = checkHostile('deltaDNA', HOSTILE, next);
    },
    expireTokens(): void {
      const now = clock();
      for (const token of tokens.keys()) tokens.set(token, now);
    },
    campaign(id: number, kind?: DeltaDnaCampaignKind): DeltaDnaCampaign | undefined {
      const stored = find(id, kind);
      return stored === undefined ? undefined : copyCampaign(stored.data);
    },
    campaigns(kind: DeltaDnaCampaignKind = DeltaDnaCampaignKind.eventTriggered): DeltaDnaCampaign[] {
      return [...stores[kind].values()].map((stored) => copyCampaign(stored.data));
    },
    setStatus(id: number, status: DeltaDnaStatus, kind?: DeltaDnaCampaignKind): void {
      const stored = find(id, kind);
      if (stored === undefined) throw new Error(`deltaDNA simulator: no campaign ${id}`);
      changeStatus(stored, status);
    },
    addCampaigns(campaigns: readonly DeltaDnaCampaign[], kind: DeltaDnaCampaignKind = DeltaDnaCampaignKind.eventTriggered): void {
      addTo(stores[kind], campaigns);
    },
  });
}

export { DeltaDnaCampaignKind, DeltaDnaStatus, startDeltaDnaSim };
export type { DeltaDnaCampaign, DeltaDnaEnvironment, DeltaDnaSim, DeltaDnaSimOptions };
