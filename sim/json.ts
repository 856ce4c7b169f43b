/** JSON helpers for the simulators' handlers: reading a body safely and building a reply. */
import type { SimReply } from './types.js';

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

export { isRecord, jsonReply, parseJson };
