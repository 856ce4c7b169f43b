/**
 * Tiny helpers for reading untrusted JSON while collecting every problem at once, each naming its field.
 * Hand-written rather than a schema library: the messages are the product here, and the bundle stays small.
 */
import { InvalidRequestError, type FieldIssue } from './errors.js';

type Json = Record<string, unknown>;

class IssueList {
  readonly issues: FieldIssue[] = [];

  add(field: string, problem: string): void {
    this.issues.push({ field, problem });
  }

  get ok(): boolean {
    return this.issues.length === 0;
  }

  /** Throws one InvalidRequestError listing every problem, if there is any. */
  throwIfAny(subject = 'request'): void {
    if (!this.ok) throw new InvalidRequestError(this.issues, { subject });
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

/** Reads an optional array of non-empty strings; numbers are accepted and turned into strings (vendor ids). */
const readStringList = (
  value: unknown,
  field: string,
  issues: IssueList,
  options: { acceptNumbers?: boolean } = {},
): string[] | undefined => {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    issues.add(field, `must be an array of strings, got ${describeType(value)}`);
    return undefined;
  }
  const out: string[] = [];
  value.forEach((item, index) => {
    if (typeof item === 'string' && item.trim() !== '') out.push(item.trim());
    else if (options.acceptNumbers && typeof item === 'number' && Number.isSafeInteger(item)) out.push(String(item));
    else issues.add(`${field}[${index}]`, `must be a non-empty string, got ${describeType(item)}`);
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

// A secret name (letters, digits and /_+=.@-) or a Secrets Manager ARN.
const SECRET_NAME = /^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+|[A-Za-z0-9/_+=.@-]{1,512})$/;

/** The request's `secret`: the Secrets Manager name or ARN of the account's credentials. */
const readSecretName = (value: unknown, issues: IssueList): string | undefined => {
  if (value === undefined) issues.add('secret', 'is required: the Secrets Manager name or ARN of the account credentials');
  else if (typeof value !== 'string' || !SECRET_NAME.test(value)) {
    issues.add('secret', 'must be a Secrets Manager secret name (letters, digits and /_+=.@-) or a secret ARN');
  } else return value;
  return undefined;
};

export { IssueList, CappedIssues, isObject, readRequestObject, readSecretName, rejectUnknownFields, describeType, readStringList, readBoolean };
export type { Json };
