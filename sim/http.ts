/**
 * The small HTTP toolkit the three vendor simulators share: loopback listen/close, request
 * recording (with credentials redacted), fault injection, bounded body reading and JSON replies.
 * It knows no vendor: each simulator passes a handler and its own error-body shape.
 * Only node built-ins, and nothing from functions/: the simulators are an independent reading
 * of the vendor documents.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable, pipeline } from 'node:stream';

/** One request as the simulator saw it. Mutated in place until it finishes (status 0 until then). */
interface RecordedRequest {
  method: string;
  /** The pathname, without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-case names; `authorization` keeps its scheme only, e.g. "Bearer ***". */
  headers: Record<string, string>;
  /** Parsed JSON, else the raw text; undefined when empty, too large, or bodies are not recorded. */
  body: unknown;
  bodyBytes: number;
  /** Status sent; 0 while in flight, and for a hung, reset or abandoned request. */
  status: number;
  startedAt: number;
  /** 0 while in flight. */
  finishedAt: number;
  /** Whether the credentials were accepted; absent where the simulator did not check any. */
  authorized?: boolean;
  /** The injected fault this request met, if any. */
  fault?: FaultKind;
}

type Fault =
  | { readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly kind: 'hang' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'delay'; readonly ms: number }
  /** The vendor acts on the request, then the connection drops before the answer: the client cannot know. */
  | { readonly kind: 'lost' };

type FaultKind = 'status' | 'hang' | 'reset' | 'malformed' | 'delay' | 'lost';

interface FaultRule {
  /** Case-insensitive; any method when absent. */
  readonly method?: string;
  /** Exact pathname, or a pattern tested against the pathname; any path when absent. */
  readonly path?: string | RegExp;
  /** How many matching requests meet the fault; default 1, Infinity allowed. */
  readonly times?: number;
  /** Matching requests to let through before the fault starts. */
  readonly after?: number;
  readonly fault: Fault;
}

/** What every simulator offers, whatever the vendor. */
interface SimBase {
  /** e.g. http://127.0.0.1:53211, no trailing slash. */
  readonly url: string;
  /** Every request in arrival order, faulted ones included. A live view. */
  readonly requests: readonly RecordedRequest[];
  inject(rule: FaultRule): void;
  clearFaults(): void;
  resetRequests(): void;
  /** Stops listening and destroys open sockets, so a hung request never keeps it open. */
  close(): Promise<void>;
}

/** The request line and headers, known before the body arrives. */
interface RequestHead {
  readonly method: string;
  readonly pathname: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
}

type BodyRead =
  | { readonly kind: 'ok'; readonly text: string; readonly bytes: number }
  /** At or over the cap: reading stopped there and the rest is discarded unread. */
  | { readonly kind: 'tooLarge'; readonly bytes: number };

interface SimExchange extends RequestHead {
  readonly body: BodyRead;
  /** Requests counted in flight at this one's arrival, itself included (0 when it is not counted). */
  readonly inFlight: number;
  /** The simulator clock at handling time. */
  readonly now: number;
  /** The record being written, so a handler can note `authorized`. */
  readonly record: RecordedRequest;
}

interface SimReply {
  readonly status: number;
  /** A string is sent as-is; anything else as JSON; undefined sends no body. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Default application/json; charset=utf-8. */
  readonly contentType?: string;
  /**
   * A body streamed chunk by chunk instead of `body` (sent chunked, no Content-Length): for answers too
   * large to build in memory, or that never end. Pulled only as fast as the client reads, and dropped
   * when the client goes away.
   */
  readonly stream?: () => AsyncIterable<Buffer> | Iterable<Buffer>;
}

type SimHandler = (exchange: SimExchange) => SimReply | Promise<SimReply>;

interface SimServerOptions {
  readonly handle: SimHandler;
  /** The vendor's error shape, for status faults given without a body and for simulator bugs. */
  readonly errorReply: (status: number, message: string) => SimReply;
  readonly port?: number;
  /** Added before every response is sent. */
  readonly latencyMs?: number;
  /** Bodies at or over this size are not buffered (BodyRead 'tooLarge'). Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Keep request bodies in `requests`; turn off for benchmarks that send gigabytes. Default true. */
  readonly recordBodies?: boolean;
  /** Time for records, token expiry, rate windows and jobs; default Date.now. Timers stay real. */
  readonly clock?: () => number;
  /** Which requests count towards `inFlight`; default all. */
  readonly countsInFlight?: (head: RequestHead) => boolean;
  /** Removes secrets a vendor takes in a body (deltaDNA's password) before recording. */
  readonly redactBody?: (head: RequestHead, body: unknown) => unknown;
  /** Last word on every reply, injected status faults included (a hostile vendor rewriting its answers). */
  readonly decorate?: (exchange: SimExchange, reply: SimReply) => SimReply;
}

interface SimServer extends SimBase {
  readonly maxInFlightSeen: number;
  readonly inFlight: number;
  /** Bytes written by streamed bodies so far. */
  readonly streamedBytes: number;
  /** Streamed bodies still being written. */
  readonly openStreams: number;
}

interface ActiveRule {
  readonly rule: FaultRule;
  readonly times: number;
  readonly after: number;
  seen: number;
  fired: number;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/** What a 'malformed' fault sends: a 200 whose JSON stops half-way, as a cut connection would leave it. */
const MALFORMED_BODY = '{"items":[{"id":"1000248","name":"Black Fri';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function jsonReply(status: number, body?: unknown, headers?: Readonly<Record<string, string>>): SimReply {
  return { status, body, ...(headers === undefined ? {} : { headers }) };
}

/** Keeps the scheme so a test can see which auth was used, never the credential itself. */
function redactAuthorization(value: string): string {
  const space = value.indexOf(' ');
  return space > 0 ? `${value.slice(0, space)} ***` : '***';
}

function recordHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = name === 'authorization' || name === 'proxy-authorization' ? redactAuthorization(text) : text;
  }
  return out;
}

function recordQuery(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of query) if (!(name in out)) out[name] = value;
  return out;
}

function recordedBody(text: string): unknown {
  if (text.length === 0) return undefined;
  const parsed = parseJson(text);
  return parsed.ok ? parsed.value : text;
}

function checkRule(rule: FaultRule): ActiveRule {
  const times = rule.times ?? 1;
  const after = rule.after ?? 0;
  if (!(times >= 1)) throw new RangeError(`fault rule times must be >= 1, got ${times}`);
  if (!(after >= 0) || !Number.isFinite(after)) throw new RangeError(`fault rule after must be >= 0, got ${after}`);
  if ('kind' in rule.fault && rule.fault.kind === 'delay' && !(rule.fault.ms >= 0)) {
    throw new RangeError(`delay fault needs ms >= 0, got ${rule.fault.ms}`);
  }
  return { rule, times, after, seen: 0, fired: 0 };
}

function ruleMatches(rule: FaultRule, head: RequestHead): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== head.method.toUpperCase()) return false;
  if (rule.path === undefined) return true;
  if (typeof rule.path === 'string') return rule.path === head.pathname;
  rule.path.lastIndex = 0; // a /g pattern keeps state between tests
  return rule.path.test(head.pathname);
}

/** Counts the request against every matching rule; the first rule with faults left applies. */
function pickFault(rules: readonly ActiveRule[], head: RequestHead): Fault | undefined {
  let chosen: Fault | undefined;
  for (const active of rules) {
    if (!ruleMatches(active.rule, head)) continue;
    active.seen += 1;
    if (chosen !== undefined || active.seen <= active.after || active.fired >= active.times) continue;
    active.fired += 1;
    chosen = active.rule.fault;
  }
  return chosen;
}

function faultKind(fault: Fault): FaultKind {
  return 'kind' in fault ? fault.kind : 'status';
}

/**
 * Reads the body up to the cap. A declared Content-Length at or over the cap is refused unread;
 * a streamed body is counted as it arrives and abandoned once it reaches the cap, so nothing
 * unbounded is buffered. Resolves undefined when the client goes away first.
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared >= maxBytes) {
    req.resume(); // discard, so the connection can still carry the reply
    return Promise.resolve({ kind: 'tooLarge', bytes: declared });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const settle = (result: BodyRead | undefined): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (settled) return;
      if (bytes >= maxBytes) {
        chunks.length = 0;
        settle({ kind: 'tooLarge', bytes });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle({ kind: 'ok', text: Buffer.concat(chunks).toString('utf8'), bytes }));
    req.on('error', () => settle(undefined));
    req.on('close', () => {
      if (!req.complete) settle(undefined);
    });
  });
}

function encodeReply(reply: SimReply): { headers: Record<string, string>; payload: string | undefined } {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.body === undefined) return { headers, payload: undefined };
  const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  headers['content-type'] = reply.contentType ?? JSON_CONTENT_TYPE;
  headers['content-length'] = String(Buffer.byteLength(payload));
  return { headers, payload };
}

/** Prefixing (rather than resolving against a base) keeps a path such as `//x` a path, not a host. */
function requestUrl(target: string | undefined): URL {
  try {
    return new URL(`http://simulator.invalid${target?.startsWith('/') === true ? target : `/${target ?? ''}`}`);
  } catch {
    return new URL('http://simulator.invalid/');
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('simulator did not get a TCP address'));
        return;
      }
      resolve(address.port);
    });
  });
}

/** Starts a loopback server that records, injects faults, then hands each request to `handle`. */
async function startSimServer(options: SimServerOptions): Promise<SimServer> {
  const clock = options.clock ?? Date.now;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const recordBodies = options.recordBodies ?? true;
  const latencyMs = options.latencyMs ?? 0;
  const countsInFlight = options.countsInFlight ?? (() => true);
  const requests: RecordedRequest[] = [];
  let rules: ActiveRule[] = [];
  const sockets = new Set<Socket>();
  const waits = new Map<NodeJS.Timeout, () => void>();
  let inFlight = 0;
  let maxInFlightSeen = 0;
  let streamedBytes = 0;
  let openStreams = 0;
  let closing: Promise<void> | undefined;

  /**
   * Pipes a streamed body: the reply counts as handed over once its head is sent, and the pipeline
   * ends (and stops pulling the source) when the body ends or the client goes away.
   */
  const sendStream = (res: ServerResponse, reply: SimReply, source: NonNullable<SimReply['stream']>, handedOver: () => void): void => {
    const headers: Record<string, string> = { 'content-type': reply.contentType ?? JSON_CONTENT_TYPE, ...reply.headers };
    res.writeHead(reply.status, headers);
    handedOver();
    openStreams += 1;
    const body = Readable.from(source(), { objectMode: false, highWaterMark: 64 * 1024 });
    body.on('data', (chunk: Buffer) => {
      streamedBytes += chunk.length;
    });
    pipeline(body, res, () => {
      openStreams -= 1;
    });
  };

  /** A timer that close() cuts short, so no response is written after close and no timer keeps the process up. */
  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0 || closing !== undefined) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        waits.delete(timer);
        resolve();
      }, ms);
      waits.set(timer, resolve);
    });

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = requestUrl(req.url);
    const head: RequestHead = {
      method: req.method ?? 'GET',
      pathname: url.pathname,
      query: url.searchParams,
      headers: req.headers,
    };
    const record: RecordedRequest = {
      method: head.method,
      path: head.pathname,
      query: recordQuery(url.searchParams),
      headers: recordHeaders(req.headers),
      body: undefined,
      bodyBytes: 0,
      status: 0,
      startedAt: clock(),
      finishedAt: 0,
    };
    requests.push(record);

    const counted = countsInFlight(head);
    if (counted) {
      inFlight += 1;
      maxInFlightSeen = Math.max(maxInFlightSeen, inFlight);
    }
    const arrivalInFlight = counted ? inFlight : 0;
    let finished = false;
    // The server is done with a request once it has handed over the reply (or the socket is gone):
    // that is when a client keeping N in flight may send the next one.
    const finish = (status: number): void => {
      if (finished) return;
      finished = true;
      record.status = status;
      record.finishedAt = clock();
      if (counted) inFlight -= 1;
    };
    res.on('close', () => finish(0));

    const send = (reply: SimReply): void => {
      // After close() or a reset there is no one to answer, and writing would only raise socket errors.
      if (closing !== undefined || res.destroyed || res.writableEnded || req.socket.destroyed) return;
      if (reply.stream !== undefined) {
        sendStream(res, reply, reply.stream, () => finish(reply.status));
        return;
      }
      const { headers, payload } = encodeReply(reply);
      res.writeHead(reply.status, headers);
      res.end(payload);
      finish(reply.status);
    };

    const fault = pickFault(rules, head);
    const body = await readBody(req, maxBodyBytes);
    if (body === undefined) return; // the client left; 'close' records it
    record.bodyBytes = body.bytes;
    if (recordBodies && body.kind === 'ok') {
      const parsed = recordedBody(body.text);
      record.body = options.redactBody === undefined ? parsed : options.redactBody(head, parsed);
    }
    const exchange = (): SimExchange => ({ ...head, body, inFlight: arrivalInFlight, now: clock(), record });
    const decorate = (reply: SimReply): SimReply => (options.decorate === undefined ? reply : options.decorate(exchange(), reply));

    if (fault !== undefined) {
      record.fault = faultKind(fault);
      if ('kind' in fault) {
        if (fault.kind === 'hang') return; // answered only by close() or the client giving up
        if (fault.kind === 'reset') {
          req.socket.destroy();
          return;
        }
        if (fault.kind === 'malformed') {
          await wait(latencyMs);
          send({ status: 200, body: MALFORMED_BODY });
          return;
        }
        if (fault.kind === 'lost') {
          try {
            await options.handle(exchange());
          } finally {
            req.socket.destroy();
          }
          return;
        }
        await wait(fault.ms);
      } else {
        const base = fault.body === undefined ? options.errorReply(fault.status, 'injected fault') : jsonReply(fault.status, fault.body);
        await wait(latencyMs);
        send(decorate({ ...base, status: fault.status, headers: { ...base.headers, ...fault.headers } }));
        return;
      }
    }

    let reply: SimReply;
    try {
      reply = decorate(await options.handle(exchange()));
    } catch (error) {
      reply = options.errorReply(500, `simulator error: ${error instanceof Error ? error.message : String(error)}`);
    }
    await wait(latencyMs);
    send(reply);
  };

  const server = createServer((req, res) => {
    // A bug here must cost one request, never an unhandled rejection in the test run.
    serve(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server, options.port ?? 0);

  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const [timer, release] of waits) {
        clearTimeout(timer);
        release();
      }
      waits.clear();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
    });
    return closing;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    get requests(): readonly RecordedRequest[] {
      return requests;
    },
    get maxInFlightSeen(): number {
      return maxInFlightSeen;
    },
    get inFlight(): number {
      return inFlight;
    },
    get streamedBytes(): number {
      return streamedBytes;
    },
    get openStreams(): number {
      return openStreams;
    },
    inject(rule: FaultRule): void {
      rules.push(checkRule(rule));
    },
    clearFaults(): void {
      rules = [];
    },
    resetRequests(): void {
      requests.length = 0;
    },
    close,
  };
}

/** The SimBase part of a vendor simulator, delegating to its server (getters stay live). */
function simBase(server: SimServer): SimBase {
  return {
    url: server.url,
    get requests(): readonly RecordedRequest[] {
      return server.requests;
    },
    inject: (rule) => server.inject(rule),
    clearFaults: () => server.clearFaults(),
    resetRequests: () => server.resetRequests(),
    close: () => server.close(),
  };
}

/** A vendor simulator: the SimBase part plus its own members, getters kept live (no spreading). */
function composeSim<T extends object>(server: SimServer, own: T): SimBase & NoInfer<T> {
  return Object.defineProperties(simBase(server), Object.getOwnPropertyDescriptors(own)) as SimBase & T;
}

export { composeSim, isRecord, jsonReply, parseJson, startSimServer };
export type {
  BodyRead,
  Fault,
  FaultKind,
  FaultRule,
  RecordedRequest,
  RequestHead,
  SimBase,
  SimExchange,
  SimHandler,
  SimReply,
  SimServer,
  SimServerOptions,
};
