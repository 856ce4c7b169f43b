/**
 * The small HTTP toolkit the three vendor simulators share, in one import: the server (server.ts), the
 * fault rules it acts out (faults.ts), JSON helpers (json.ts) and the types they speak in (types.ts).
 * Only node built-ins, and nothing from functions/: the simulators are an independent reading
 * of the vendor documents.
 */
export { isRecord, jsonReply, parseJson } from './json.js';
export { composeSim, startSimServer } from './server.js';
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
} from './types.js';
