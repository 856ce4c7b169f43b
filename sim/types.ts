/**
 * The shapes the simulators' HTTP toolkit speaks in: a recorded request, an injected fault and its rule,
 * what a handler is given and what it answers, and what every simulator offers.
 * Only node built-in types, and nothing from functions/: the simulators are an independent reading of the
 * vendor documents.
 */
import type { IncomingHttpHeaders } from 'node:http';

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
  /**
   * Answers at once every request a delay fault is holding, and resolves when the vendor has acted on
   * each: a test sees the late answers land without waiting out their delay.
   */
  deliverLateAnswers(): Promise<void>;
  /** Bytes sent in streamed (oversized or never-ending) bodies, and those still being sent. */
  readonly streamedBytes: number;
  readonly openStreams: number;
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
