/**
 * Where populate recipients come from, and whether each one is valid.
 *
 * The engine consumes a stream of `RecipientItem`s so that millions of recipients never sit in one
 * array: an inline `recipient_list` (fromArray), a JSON Lines file or S3 object body (fromJsonLines over
 * any AsyncIterable of chunks: fs.createReadStream, the S3 GetObject Body, a web ReadableStream).
 *
 * Recipient rules (Kahuna's "Adaptive Campaign API" document and Job Status article):
 * - a recipient is a JSON object with `k_to`, a non-empty array of non-empty strings (credential
 *   values are strings, `k_to` is always an array);
 * - `k_send_ts`, when given, is an integer count of seconds since the epoch (GMT). It is never required:
 *   the vendor document calls default_params.k_send_ts "Required" yet shows requests without it, and
 *   without one the vendor starts sending as it adds the users, which is a legitimate wish;
 * - every other field is an extra parameter for the push, whose value must be a string or a finite
 *   number. Booleans, null, arrays and objects are refused: the vendor's examples and its structured
 *   parameters (a JSON text in a string) show values are strings, and a silently stringified `true`
 *   would reach users as "true";
 * - the extra parameters a push carries (default_params merged with the recipient's, the recipient's
 *   winning) total at most `maxExtraParamChars` characters, keys plus values (default 235).
 */
import type { FieldIssue } from './errors.js';
import { describeType, isObject, type Json } from './validation.js';

/** One recipient read from a source: its position (index in a list, 1-based line in a file) and value. */
type RecipientItem = { readonly line: number; readonly value: unknown } | { readonly line: number; readonly error: string };

/** What the populate engine reads. An S3 object body plugs in through fromJsonLines. */
type RecipientSource = AsyncIterable<RecipientItem>;

/** Default limit on a push's extra parameters, keys plus values (vendor document; configurable). */
const DEFAULT_MAX_EXTRA_PARAM_CHARS = 235;

/** Fields of a recipient object that are not extra parameters. */
const RESERVED_FIELDS = ['k_to', 'k_send_ts'] as const;

/** Epoch seconds at or above this are surely milliseconds (this is the year 5138). */
const EPOCH_SECONDS_CEILING = 100_000_000_000;

/** An inline list: `line` is the index in the list, as in `recipient_list[3]`. */
async function* fromArray(list: readonly unknown[]): AsyncGenerator<RecipientItem> {
  for (let index = 0; index < list.length; index += 1) yield { line: index, value: list[index] };
}

interface JsonLinesOptions {
  /** A line longer than this (in characters) is reported, not parsed. Default 16 MiB: over any request body. */
  readonly maxLineChars?: number;
}

const DEFAULT_MAX_LINE_CHARS = 16 * 1024 * 1024;

/**
 * JSON Lines: one recipient object a line, numbered from 1. Chunks may split a line (or a multi-byte
 * character) anywhere; blank lines are skipped; a line that is not JSON is reported with its number and
 * the reading goes on.
 */
async function* fromJsonLines(
  chunks: AsyncIterable<Uint8Array | string>,
  options: JsonLinesOptions = {},
): AsyncGenerator<RecipientItem> {
  const maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  // Set while skipping the rest of an over-long line, until its newline.
  let overlong = false;
  let line = 0;

  function* emit(text: string): Generator<RecipientItem> {
    line += 1;
    const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
    if (trimmed === '') return;
    try {
      yield { line, value: JSON.parse(trimmed) as unknown };
    } catch {
      // The parser's message quotes the line; the reason stays short and says only where.
      yield { line, error: 'is not valid JSON' };
    }
  }

  function* take(text: string): Generator<RecipientItem> {
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      const piece = text.slice(start, newline);
      start = newline + 1;
      if (overlong) {
        overlong = false;
        pending = '';
        continue;
      }
      const whole = pending + piece;
      pending = '';
      yield* emit(whole);
    }
    if (overlong) return;
    pending += text.slice(start);
    if (pending.length > maxLineChars) {
      line += 1;
      yield { line, error: `is longer than ${maxLineChars} characters` };
      pending = '';
      overlong = true;
    }
  }

  for await (const chunk of chunks) {
    yield* take(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
  }
  yield* take(decoder.decode());
  if (!overlong && pending !== '') yield* emit(pending);
}

/** Extra parameters of default_params (k_send_ts excluded), with their size, measured once per run. */
interface ExtraParamDefaults {
  readonly params: Readonly<Record<string, string | number>>;
  /** Characters of every key plus every value. */
  readonly chars: number;
}

/** Characters as a person counts them: code points, so an emoji is one. */
const charCount = (text: string): number => {
  if (!/[\uD800-\uDFFF]/.test(text)) return text.length;
  let count = 0;
  for (const _ of text) count += 1;
  return count;
};

const paramChars = (key: string, value: string | number): number => charCount(key) + charCount(String(value));

const extraDefaults = (defaultParams: Readonly<Record<string, string | number>> | undefined): ExtraParamDefaults => {
  const params: Record<string, string | number> = {};
  let chars = 0;
  for (const [key, value] of Object.entries(defaultParams ?? {})) {
    if (key === 'k_send_ts') continue;
    params[key] = value;
    chars += paramChars(key, value);
  }
  return { params, chars };
};

/** Why a k_send_ts is not integer epoch seconds, or undefined when it is. */
const checkSendTs = (value: unknown): string | undefined => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    return `must be an integer count of seconds since 1970-01-01T00:00:00Z, got ${typeof value === 'number' ? value : describeType(value)}`;
  }
  if (value < 0) return 'must not be negative (seconds since 1970-01-01T00:00:00Z)';
  if (value >= EPOCH_SECONDS_CEILING) return `looks like milliseconds (${value}): give seconds since the epoch`;
  return undefined;
};

/** Why an extra parameter's value is not acceptable, or undefined when it is. */
const checkParamValue = (value: unknown): string | undefined => {
  if (typeof value === 'string') return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return undefined;
  return `must be a string or a number, got ${describeType(value)} (encode structured values as a JSON string)`;
};

type RecipientCheck =
  | { readonly ok: true; readonly recipient: Json; readonly users: number }
  | { readonly ok: false; readonly issues: readonly FieldIssue[] };

/**
 * Checks one recipient. Issue fields are relative to the recipient ("" is the recipient itself,
 * "k_to[0]", "department"); the caller prefixes `recipient_list[3].` or a line number.
 */
const checkRecipient = (value: unknown, defaults: ExtraParamDefaults, maxExtraParamChars: number): RecipientCheck => {
  if (!isObject(value)) return { ok: false, issues: [{ field: '', problem: `must be an object, got ${describeType(value)}` }] };
  const issues: FieldIssue[] = [];

  const kTo = value.k_to;
  if (kTo === undefined) issues.push({ field: 'k_to', problem: 'is required: an array of user credentials (strings)' });
  else if (!Array.isArray(kTo)) issues.push({ field: 'k_to', problem: `must be an array of strings, got ${describeType(kTo)}` });
  else if (kTo.length === 0) issues.push({ field: 'k_to', problem: 'must hold at least one user credential' });
  else {
    kTo.forEach((item: unknown, index) => {
      if (typeof item !== 'string' || item.trim() === '') {
        issues.push({
          field: `k_to[${index}]`,
          problem: `must be a non-empty string, got ${typeof item === 'string' ? 'an empty string' : describeType(item)}`,
        });
      }
    });
  }

  if (value.k_send_ts !== undefined) {
    const problem = checkSendTs(value.k_send_ts);
    if (problem) issues.push({ field: 'k_send_ts', problem });
  }

  let chars = defaults.chars;
  let valuesOk = true;
  for (const [key, param] of Object.entries(value)) {
    if ((RESERVED_FIELDS as readonly string[]).includes(key)) continue;
    if (key.trim() === '') {
      issues.push({ field: JSON.stringify(key), problem: 'an extra parameter needs a non-empty name' });
      continue;
    }
    const problem = checkParamValue(param);
    if (problem) {
      issues.push({ field: key, problem });
      valuesOk = false;
      continue;
    }
    chars += paramChars(key, param as string | number);
    const overridden = defaults.params[key];
    if (overridden !== undefined) chars -= paramChars(key, overridden);
  }
  if (valuesOk && chars > maxExtraParamChars) {
    issues.push({
      field: '',
      problem: `extra parameters total ${chars} characters (keys plus values, default_params included), over the limit of ${maxExtraParamChars}`,
    });
  }

  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, recipient: value, users: (kTo as unknown[]).length };
};

/** `recipient_list[3].k_to[0]` for an inline list. */
const listField = (index: number, field: string): string =>
  `recipient_list[${index}]${field === '' ? '' : field.startsWith('[') ? field : `.${field}`}`;

/** `k_to[0]: must be ...` for a recipient of a stream, whose line number is reported beside it. */
const describeIssues = (issues: readonly FieldIssue[]): string =>
  issues.map((issue) => (issue.field === '' ? issue.problem : `${issue.field}: ${issue.problem}`)).join('; ');

export {
  fromArray,
  fromJsonLines,
  checkRecipient,
  checkSendTs,
  checkParamValue,
  extraDefaults,
  charCount,
  listField,
  describeIssues,
  DEFAULT_MAX_EXTRA_PARAM_CHARS,
};
export type { RecipientItem, RecipientSource, RecipientCheck, ExtraParamDefaults, JsonLinesOptions };
