/**
 * A vendor that cannot be trusted: the behaviours a simulator takes on with its `hostile` option, the
 * bodies they stream, and the thief, a loopback listener that records whatever reaches it (where a
 * hostile vendor redirects to). Each behaviour is quick to serve, so a scenario test stays fast, and
 * a hostile simulator still answers the ordinary calls of a window.
 * Only node built-ins, and nothing from functions/.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { RequestHead, SimReply } from './types.js';

const HostileBehaviour = {
  /** 3xx with a Location on another listener (the thief), on the vendor's most sensitive call. */
  redirect: 'redirect',
  /** Error bodies repeat the request's credentials; campaign names carry them too. */
  echoCredentials: 'echo-credentials',
  /** X-RateLimit-* headers out of any documented range, or not numbers at all. */
  lyingRateLimit: 'lying-rate-limit',
  /** The listing never ends: the same full page again and again. */
  endlessPages: 'endless-pages',
  /** A 100 MB JSON answer, sent as fast as the client reads. */
  oversizedBody: 'oversized-body',
  /** A 200 whose chunked body never ends (until the client goes away). */
  neverEndingBody: 'never-ending-body',
  /** Token lifetimes no clock can hold: 1e20, -5, a string, 1e400. */
  absurdTokenLifetime: 'absurd-token-lifetime',
  /** Campaign names with terminal escapes, C1 controls and bidi overrides. */
  escapeSequences: 'escape-sequences',
} as const;
type HostileBehaviour = (typeof HostileBehaviour)[keyof typeof HostileBehaviour];

interface HostileConfig {
  readonly behaviour: HostileBehaviour;
  /** redirect: where Location points (the thief's URL); the request's path and query are appended. */
  readonly redirectTo?: string;
  /** redirect: the status; each simulator has its default (302 or 307). */
  readonly redirectStatus?: number;
  /** oversized-body: bytes of the answer; default 100 MiB. */
  readonly bodyBytes?: number;
  /** absurd-token-lifetime: `expiresIn` as raw JSON literals, one per authentication in turn; default ABSURD_LIFETIMES. */
  readonly expiresIn?: readonly string[];
}

/** The simulator option: a behaviour with its defaults, or one with settings. */
type Hostile = HostileBehaviour | HostileConfig;

/** What the thief saw: everything, credentials included (that is what a thief keeps). */
interface StolenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface Thief {
  readonly url: string;
  readonly received: readonly StolenRequest[];
  close(): Promise<void>;
}

const OVERSIZED_BYTES = 100 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
/** A never-ending body is paced at a chunk a millisecond (tens of MB a second): enough to exhaust a client that keeps it all, not the machine. */
const NEVER_ENDING_PACE_MS = 1;
/** Raw JSON: 1e400 parses to Infinity, "NaN" is a string, 1e20 s overflows a Date. */
const ABSURD_LIFETIMES: readonly string[] = ['1e20', '-5', '"NaN"', '1e400'];
/** Terminal escapes a campaign name should never get to play: set the title (OSC ... BEL), clear the screen, colour, C1 CSI/NEL, bidi overrides. */
const ESCAPE_PREFIX = '\u001b]0;pwned\u0007\u001b[2J\u001b[31m';
const ESCAPE_SUFFIX = '\u009b31m\u0085\u202e\u2066rev\u2069\u202c\u001b[0m';
const THIEF_BODY_CAP = 1024 * 1024;
const FILLER = Buffer.alloc(CHUNK_BYTES, 'a');

const HOSTILE_BEHAVIOURS: readonly HostileBehaviour[] = Object.values(HostileBehaviour);

function hostileConfig(hostile: Hostile | undefined): HostileConfig | undefined {
  if (hostile === undefined) return undefined;
  return typeof hostile === 'string' ? { behaviour: hostile } : hostile;
}

/** A simulator refuses a behaviour it does not have, so a test never believes it is hostile when it is not. */
function checkHostile(vendor: string, supported: readonly HostileBehaviour[], hostile: Hostile | undefined): HostileConfig | undefined {
  const config = hostileConfig(hostile);
  if (config === undefined) return undefined;
  if (!supported.includes(config.behaviour)) {
    throw new RangeError(`${vendor} simulator: hostile '${config.behaviour}' is not one of ${supported.join(', ')}`);
  }
  if (config.behaviour === HostileBehaviour.redirect && config.redirectTo === undefined) {
    throw new RangeError(`${vendor} simulator: hostile 'redirect' needs redirectTo (a thief's URL)`);
  }
  return config;
}

function redirectLocation(config: HostileConfig, pathname: string, query: URLSearchParams): string {
  const search = query.toString();
  return `${(config.redirectTo ?? '').replace(/\/+$/, '')}${pathname}${search === '' ? '' : `?${search}`}`;
}

/** A redirecting vendor's answer: the same path and query, at `redirectTo`. */
function redirectReply(config: HostileConfig, request: Pick<RequestHead, 'pathname' | 'query'>, defaultStatus: number): SimReply {
  return { status: config.redirectStatus ?? defaultStatus, headers: { location: redirectLocation(config, request.pathname, request.query) } };
}

/** The JSON text of `value` without its closing brace, to append a padding field to. */
function openObject(value: object): string {
  return JSON.stringify(value).slice(0, -1);
}

/** The bearer token of an Authorization header, if it carries one. */
function bearerOf(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
}

/** `prefix`, then filler until the body is `totalBytes` long (forever when Infinity), then `suffix`. */
async function* paddedBody(prefix: string, suffix: string, totalBytes: number, paceMs = 0): AsyncGenerator<Buffer> {
  const head = Buffer.from(prefix);
  yield head;
  let left = totalBytes - head.length - Buffer.byteLength(suffix);
  while (left > 0) {
    const chunk = left >= CHUNK_BYTES ? FILLER : FILLER.subarray(0, left);
    left -= chunk.length;
    yield chunk;
    if (paceMs > 0) await delay(paceMs);
  }
  yield Buffer.from(suffix);
}

/** A JSON answer about `bytes` long: `before` + a string of filler + `after`, e.g. `[{"name":"` ... `"}]`. */
function oversizedStream(config: HostileConfig, before: string, after: string): () => AsyncIterable<Buffer> {
  return () => paddedBody(before, after, config.bodyBytes ?? OVERSIZED_BYTES);
}

/** A JSON answer that starts like `before` and never ends. */
function neverEndingStream(before: string): () => AsyncIterable<Buffer> {
  return () => paddedBody(before, '', Number.POSITIVE_INFINITY, NEVER_ENDING_PACE_MS);
}

/** Rate-limit headers that lie, a different lie on each call: huge, negative, absurd resets, not numbers. */
function lyingRateLimitHeaders(call: number): Record<string, string> {
  const lies: readonly Record<string, string>[] = [
    { 'x-ratelimit-limit': '100000000', 'x-ratelimit-remaining': '-5', 'x-ratelimit-reset': '999999' },
    { 'x-ratelimit-limit': '100000000', 'x-ratelimit-remaining': '99999999999', 'x-ratelimit-reset': '999999' },
    { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '999999' },
    { 'x-ratelimit-limit': 'lots', 'x-ratelimit-remaining': 'NaN', 'x-ratelimit-reset': '1e400' },
    { 'x-ratelimit-limit': '-1', 'x-ratelimit-remaining': '-100000000', 'x-ratelimit-reset': '-999999' },
  ];
  return { ...lies[call % lies.length]! };
}

/** The `expiresIn` literal for the n-th authentication (0-based). */
function absurdLifetime(config: HostileConfig, authentication: number): string {
  const values = config.expiresIn !== undefined && config.expiresIn.length > 0 ? config.expiresIn : ABSURD_LIFETIMES;
  return values[authentication % values.length]!;
}

function escapeName(name: string): string {
  return `${ESCAPE_PREFIX}${name}${ESCAPE_SUFFIX}`;
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** A loopback listener that keeps every request it gets and answers 200 `{}`, as a stranger's server might. */
async function startThief(): Promise<Thief> {
  const received: StolenRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= THIEF_BODY_CAP) chunks.push(chunk);
    });
    req.on('end', () => {
      received.push({ method: req.method ?? 'GET', url: req.url ?? '', headers: { ...req.headers }, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('thief did not get a TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    get received(): readonly StolenRequest[] {
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

export {
  ABSURD_LIFETIMES,
  absurdLifetime,
  base64,
  checkHostile,
  escapeName,
  HOSTILE_BEHAVIOURS,
  HostileBehaviour,
  lyingRateLimitHeaders,
  neverEndingStream,
  OVERSIZED_BYTES,
  oversizedStream,
  openObject,
  bearerOf,
  redirectReply,
  startThief,
};
export type { Hostile, HostileConfig, StolenRequest, Thief };
