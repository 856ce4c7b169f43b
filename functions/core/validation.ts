/**
 * Tiny helpers for reading untrusted JSON while collecting every problem at once, each naming its field.
 * Hand-written rather than a schema library: the messages are the product here, and the bundle stays small.
 */
import { InvalidRequestError, type FieldIssue } from './errors.js';

type Json = Record<string, unknown>;

/** Problems listed in one error; the rest are counted in a closing line. */
const MAX_LISTED_ISSUES = 20;
/** Characters of a request value quoted in a message; longer values end in "…". */
const MAX_QUOTED_CHARS = 48;
/** A field path longer than this (an unknown field's own name, say) is cut short too. */
const MAX_FIELD_CHARS = 80;

/** A prefix of `text` of at most `max` UTF-16 units, never cutting a character in two, with "…" when cut. */
const clip = (text: string, max: number): string => {
  if (text.length <= max) return text;
  const cut = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return `${text.slice(0, cut)}…`;
};

/**
 * A request value as a message may show it: its JSON, cut to a short prefix. Every echo of a request
 * value goes through here, so a megabyte field gives a line-sized message.
 */
const quote = (value: unknown, max = MAX_QUOTED_CHARS): string => {
  if (typeof value === 'string') {
    if (value.length <= max) return JSON.stringify(value);
    // The first `max` characters, opened but not closed: "Promo Summ…
    return `${JSON.stringify(clip(value, max).slice(0, -1)).slice(0, -1)}…`;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  return text === undefined ? describeType(value) : clip(text, max);
};

class IssueList {
  readonly issues: FieldIssue[] = [];
  readonly #cap: number;
  #unlisted = 0;

  /** At most `cap` problems are kept; the others are counted in one closing line. */
  constructor(cap = MAX_LISTED_ISSUES) {
    this.#cap = cap;
  }

  add(field: string, problem: string): void {
    if (this.issues.length < this.#cap) this.issues.push({ field: clip(field, MAX_FIELD_CHARS), problem });
    else this.#unlisted += 1;
  }

  get ok(): boolean {
    return this.issues.length === 0;
  }

  /** Throws one InvalidRequestError listing every problem (the first `cap`, then how many more), if there is any. */
  throwIfAny(subject = 'request'): void {
    if (this.ok) return;
    const closing = this.#unlisted > 0 ? [{ field: '(request)', problem: `and ${this.#unlisted} more problems (the first ${this.#cap} are listed)` }] : [];
    throw new InvalidRequestError([...this.issues, ...closing], { subject });
  }
}

/**
 * Problems of a long list (inline recipients): the first `cap` listed by field, the rest counted in one
 * closing line, so an error stays readable however long the list.
 */
class CappedIssues {
  readonly #issues: IssueList;
  readonly #cap: number;
  #listed = 0;
  #unlisted = 0;

  constructor(issues: IssueList, cap: number) {
    this.#issues = issues;
    this.#cap = cap;
  }

  add(field: string, problem: string): void {
    if (this.#listed < this.#cap) {
      this.#issues.add(field, problem);
      this.#listed += 1;
    } else this.#unlisted += 1;
  }

  /** Adds the closing count under `field`, when problems were left out. */
  close(field: string): void {
    if (this.#unlisted > 0) this.#issues.add(field, `and ${this.#unlisted} more problems (the first ${this.#cap} are listed)`);
  }
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** EventBridge delivers `{ version, id, 'detail-type', source, detail, ... }`; the request is its detail. */
const unwrapEnvelope = (input: unknown): unknown =>
  isObject(input) && 'detail-type' in input && 'detail' in input ? input.detail : input;

/** Reports fields that are not among the known ones: a typo such as `dryrun` must not be ignored. */
const rejectUnknownFields = (value: Json, known: readonly string[], prefix: string, issues: IssueList): void => {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) issues.add(`${prefix}${key}`, `unknown field (expected one of: ${known.join(', ')})`);
  }
};

const describeType = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'nothing';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
};

interface StringListOptions {
  /** Numbers are accepted and turned into strings (vendor ids). */
  readonly acceptNumbers?: boolean;
  /** More entries than this are refused as a whole, without reading them. */
  readonly maxItems?: number;
  /** Characters an entry may have. */
  readonly maxChars?: number;
  /** Whether `[]` means anything; a selection list that is empty selects nothing, which is never meant. */
  readonly allowEmpty?: boolean;
  /** The problem with one entry's form, if any (e.g. a vendor's id form). */
  readonly check?: (text: string) => string | undefined;
}

/** Reads an optional array of non-empty strings, within the bounds given. */
const readStringList = (value: unknown, field: string, issues: IssueList, options: StringListOptions = {}): string[] | undefined => {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    issues.add(field, `must be an array of strings, got ${describeType(value)}`);
    return undefined;
  }
  if (value.length === 0 && options.allowEmpty === false) {
    issues.add(field, 'an empty list selects nothing; leave the field out to select everything');
    return undefined;
  }
  if (options.maxItems !== undefined && value.length > options.maxItems) {
    issues.add(field, `has ${value.length} entries; at most ${options.maxItems} are allowed`);
    return undefined;
  }
  const out: string[] = [];
  value.forEach((item, index) => {
    let text: string;
    if (typeof item === 'string' && item.trim() !== '') text = item.trim();
    else if (options.acceptNumbers && typeof item === 'number' && Number.isSafeInteger(item)) text = String(item);
    else {
      issues.add(`${field}[${index}]`, `must be a non-empty string, got ${describeType(item)}`);
      return;
    }
    const problem =
      options.maxChars !== undefined && text.length > options.maxChars
        ? `is ${text.length} characters long; at most ${options.maxChars} are allowed: ${quote(text)}`
        : options.check?.(text);
    if (problem) issues.add(`${field}[${index}]`, problem);
    else out.push(text);
  });
  return out;
};

const readBoolean = (value: unknown, field: string, issues: IssueList): boolean | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') {
    issues.add(field, `must be true or false, got ${describeType(value)}`);
    return undefined;
  }
  return value;
};

/**
 * The request object itself, or (after recording why) an empty one: a request that is not an object
 * is reported at once, since no field of it can be read.
 */
const readRequestObject = (body: unknown, issues: IssueList): Json => {
  if (!isObject(body)) {
    issues.add('(request)', `must be a JSON object, got ${describeType(body)}`);
    issues.throwIfAny();
  }
  return body as Json;
};

// A secret name (letters, digits and /_+=.@-, at most 512 as Secrets Manager allows) or a Secrets Manager ARN
// (the name plus its "-" and six random characters).
// A secret name, or a full Secrets Manager ARN: the name, "-" and the six characters Secrets Manager adds.
// A partial ARN (no suffix) is refused: the name could not be told from it, and the name is the account.
const SECRET_NAME = /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}-[A-Za-z0-9]{6}|[A-Za-z0-9/_+=.@-]{1,512})$/;

/** The request's `secret`: the Secrets Manager name or ARN of the account's credentials. */
const readSecretName = (value: unknown, issues: IssueList): string | undefined => {
  if (value === undefined) issues.add('secret', 'is required: the Secrets Manager name or ARN of the account credentials');
  else if (typeof value !== 'string' || !SECRET_NAME.test(value)) {
    issues.add('secret', 'must be a Secrets Manager secret name (letters, digits and /_+=.@-) or a full secret ARN (ending in "-" and the six characters Secrets Manager adds)');
  } else return value;
  return undefined;
};

export { unwrapEnvelope, IssueList, CappedIssues, quote, clip, MAX_LISTED_ISSUES, isObject, readRequestObject, readSecretName, rejectUnknownFields, describeType, readStringList, readBoolean };
export type { Json };
