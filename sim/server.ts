/**
 * The simulators' loopback server: listen and close, request recording (with credentials redacted),
 * injected faults acted out, bounded body reading and replies. It knows no vendor: each simulator
 * passes a handler and its own error-body shape.
 * Only node built-ins, and nothing from functions/: the simulators are an independent reading
 * of the vendor documents.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable, pipeline } from 'node:stream';
import { MALFORMED_BODY, checkRule, faultKind, pickFault, type ActiveRule } from './faults.js';
import { jsonReply, parseJson } from './json.js';
import type { BodyRead, FaultRule, RecordedRequest, RequestHead, SimBase, SimExchange, SimReply, SimServer, SimServerOptions } from './types.js';

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

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
  /** The timers of delay faults, apart from the latency ones, so deliverLateAnswers() can cut them short. */
  const held = new Map<NodeJS.Timeout, () => void>();
  /** Requests held by a delay fault, each until its handler has run and its answer is sent (or dropped). */
  const lateAnswers = new Set<Promise<void>>();
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
  const wait = (ms: number, into: Map<NodeJS.Timeout, () => void> = waits): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0 || closing !== undefined) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        into.delete(timer);
        resolve();
      }, ms);
      into.set(timer, resolve);
    });

  /** Answers after `ms`, or as soon as deliverLateAnswers() or close() asks. */
  const holdLate = async (ms: number, answer: () => Promise<void>): Promise<void> => {
    const landed = wait(ms, held).then(answer);
    lateAnswers.add(landed);
    try {
      await landed;
    } finally {
      lateAnswers.delete(landed);
    }
  };

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

    /** The vendor acts on the request and answers it. */
    const answer = async (): Promise<void> => {
      let reply: SimReply;
      try {
        reply = decorate(await options.handle(exchange()));
      } catch (error) {
        reply = options.errorReply(500, `simulator error: ${error instanceof Error ? error.message : String(error)}`);
      }
      await wait(latencyMs);
      send(reply);
    };

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
        await holdLate(fault.ms, answer);
        return;
      } else {
        const base = fault.body === undefined ? options.errorReply(fault.status, 'injected fault') : jsonReply(fault.status, fault.body);
        await wait(latencyMs);
        send(decorate({ ...base, status: fault.status, headers: { ...base.headers, ...fault.headers } }));
        return;
      }
    }

    await answer();
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

  const releaseAll = (timers: Map<NodeJS.Timeout, () => void>): void => {
    for (const [timer, release] of timers) {
      clearTimeout(timer);
      release();
    }
    timers.clear();
  };

  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      releaseAll(waits);
      releaseAll(held);
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
    async deliverLateAnswers(): Promise<void> {
      const landing = [...lateAnswers];
      releaseAll(held);
      await Promise.allSettled(landing);
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
    deliverLateAnswers: () => server.deliverLateAnswers(),
    get streamedBytes(): number {
      return server.streamedBytes;
    },
    get openStreams(): number {
      return server.openStreams;
    },
    close: () => server.close(),
  };
}

/** A vendor simulator: the SimBase part plus its own members, getters kept live (no spreading). */
function composeSim<T extends object>(server: SimServer, own: T): SimBase & NoInfer<T> {
  return Object.defineProperties(simBase(server), Object.getOwnPropertyDescriptors(own)) as SimBase & T;
}

export { composeSim, startSimServer };
