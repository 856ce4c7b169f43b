/**
 * Splitting a stream of recipients into request bodies each strictly under the vendor's limits, measured
 * on the exact bytes that will be sent, without holding more than the body being built.
 */
import type { FieldIssue } from './errors.js';
import { checkRecipient, extraDefaults, type RecipientSource } from './recipients.js';
import type { Json } from './validation.js';
import type { PopulateRequest } from './populate-request.js';

/**
 * Vendor limits on one request: body under 10 MB, about 100,000 users. The document does not say whether
 * a MB is 10^6 or 2^20 bytes: the smaller reading is the one no vendor can refuse.
 */
const DEFAULT_MAX_BODY_BYTES = 10_000_000;
const DEFAULT_MAX_RECIPIENTS_PER_REQUEST = 100_000;

interface PlannedBody {
  /** The serialised body; empty when only measuring (dry run, inline pre-check). */
  readonly body: string;
  readonly bytes: number;
  readonly recipients: number;
  readonly users: number;
  readonly firstRecipient: number;
  readonly lastRecipient: number;
}

/**
 * Accumulates serialised recipients into bodies strictly under `maxBodyBytes`. Each recipient is
 * serialised once; the body's size is tracked as it grows (prefix + recipients + commas + suffix),
 * never by re-serialising the body.
 */
class BodyBuilder {
  readonly #prefix: string;
  readonly #fixedBytes: number;
  readonly #maxBodyBytes: number;
  readonly #maxRecipients: number;
  readonly #keepText: boolean;
  #parts: string[] = [];
  #bytes = 0;
  #users = 0;
  #first = 0;
  #last = 0;

  constructor(head: Json, limits: { maxBodyBytes: number; maxRecipients: number; keepText: boolean }) {
    const headJson = JSON.stringify(head);
    this.#prefix = `${headJson.slice(0, -1)},"recipient_list":[`;
    this.#fixedBytes = Buffer.byteLength(this.#prefix) + Buffer.byteLength(']}');
    this.#maxBodyBytes = limits.maxBodyBytes;
    this.#maxRecipients = limits.maxRecipients;
    this.#keepText = limits.keepText;
    this.#bytes = this.#fixedBytes;
  }

  /** Bytes of a body holding just this recipient; it must stay under the limit. */
  aloneBytes(recipientBytes: number): number {
    return this.#fixedBytes + recipientBytes;
  }

  get maxBodyBytes(): number {
    return this.#maxBodyBytes;
  }

  /** Adds a recipient that fits alone; returns the finished body it did not fit into, if any. */
  add(position: number, json: string, bytes: number, users: number): PlannedBody | undefined {
    let finished: PlannedBody | undefined;
    const count = this.#parts.length;
    if (count > 0 && (this.#bytes + 1 + bytes >= this.#maxBodyBytes || count >= this.#maxRecipients)) {
      finished = this.finish();
    }
    if (this.#parts.length === 0) {
      this.#first = position;
      this.#bytes += bytes;
    } else this.#bytes += 1 + bytes;
    this.#parts.push(this.#keepText ? json : '');
    this.#last = position;
    this.#users += users;
    return finished;
  }

  finish(): PlannedBody | undefined {
    if (this.#parts.length === 0) return undefined;
    const planned: PlannedBody = {
      body: this.#keepText ? `${this.#prefix}${this.#parts.join(',')}]}` : '',
      bytes: this.#bytes,
      recipients: this.#parts.length,
      users: this.#users,
      firstRecipient: this.#first,
      lastRecipient: this.#last,
    };
    this.#parts = [];
    this.#bytes = this.#fixedBytes;
    this.#users = 0;
    return planned;
  }
}

type PlanItem =
  | { readonly kind: 'body'; readonly planned: PlannedBody }
  | { readonly kind: 'invalid'; readonly line: number; readonly issues: readonly FieldIssue[] };

interface PlanStats {
  recipients: number;
  valid: number;
  invalid: number;
}

/** The head every body of a request shares. */
const bodyHead = (request: PopulateRequest): Json => ({
  campaign_config: request.campaignConfig,
  ...(request.defaultParams !== undefined ? { default_params: request.defaultParams } : {}),
});

/** Streams recipients through validation into bodies; invalid recipients are yielded with their issues. */
async function* planBodies(
  source: RecipientSource,
  request: PopulateRequest,
  limits: { maxBodyBytes: number; maxRecipients: number; keepText: boolean },
  stats: PlanStats,
): AsyncGenerator<PlanItem> {
  const builder = new BodyBuilder(bodyHead(request), limits);
  const defaults = extraDefaults(request.defaultParams);
  for await (const item of source) {
    stats.recipients += 1;
    if ('error' in item) {
      stats.invalid += 1;
      yield { kind: 'invalid', line: item.line, issues: [{ field: '', problem: item.error }] };
      continue;
    }
    const check = checkRecipient(item.value, defaults, request.maxExtraParamChars);
    if (!check.ok) {
      stats.invalid += 1;
      yield { kind: 'invalid', line: item.line, issues: check.issues };
      continue;
    }
    const json = JSON.stringify(check.recipient);
    const bytes = Buffer.byteLength(json);
    const alone = builder.aloneBytes(bytes);
    if (alone >= builder.maxBodyBytes) {
      stats.invalid += 1;
      yield {
        kind: 'invalid',
        line: item.line,
        issues: [{ field: '', problem: `is too large for any request: alone it makes a body of ${alone} bytes; a body must stay under ${builder.maxBodyBytes}` }],
      };
      continue;
    }
    stats.valid += 1;
    const finished = builder.add(item.line, json, bytes, check.users);
    if (finished) yield { kind: 'body', planned: finished };
  }
  const last = builder.finish();
  if (last) yield { kind: 'body', planned: last };
}

export { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_RECIPIENTS_PER_REQUEST, planBodies };
export type { PlannedBody, PlanItem, PlanStats };
