/**
 * Error classes shared by every layer. Each keeps its cause and never carries a credential:
 * vendor bodies are kept as parsed fields, never as the request that produced them.
 */

/** One problem in a request or configuration, naming the field (a dotted path) and what is wrong. */
export interface FieldIssue {
  readonly field: string;
  readonly problem: string;
}

/** The request, a file or a secret is invalid: nothing was sent to a vendor. Never retryable. */
class InvalidRequestError extends Error {
  readonly issues: readonly FieldIssue[];
  readonly retryable = false;

  constructor(issues: readonly FieldIssue[], options?: ErrorOptions & { subject?: string }) {
    const subject = options?.subject ?? 'request';
    super(`invalid ${subject}: ${issues.map((i) => `${i.field}: ${i.problem}`).join('; ')}`, options);
    this.name = 'InvalidRequestError';
    this.issues = issues;
  }
}

/** Credentials or configuration outside the request are unusable (missing secret, bad JSON, bad baseUrl). */
class ConfigurationError extends Error {
  readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

/** What a vendor said when it refused or failed a call. */
interface VendorErrorBody {
  readonly title?: string;
  readonly message?: string;
  readonly traceId?: string;
}

/** A vendor answered with a status that is not success. */
class VendorError extends Error {
  readonly vendor: string;
  readonly status: number;
  readonly body: VendorErrorBody;
  /** True when the same call may succeed later (429, 5xx); false for the caller's own mistakes (4xx). */
  readonly retryable: boolean;
  /** Seconds the vendor asked us to wait, when it said. */
  readonly retryAfterSeconds: number | undefined;
  readonly operation: string;

  constructor(
    params: {
      vendor: string;
      operation: string;
      status: number;
      body: VendorErrorBody;
      retryable: boolean;
      retryAfterSeconds?: number;
    },
    options?: ErrorOptions,
  ) {
    const said = [params.body.title, params.body.message].filter(Boolean).join(': ');
    super(`${params.vendor} ${params.operation} answered ${params.status}${said ? ` (${said})` : ''}`, options);
    this.name = 'VendorError';
    this.vendor = params.vendor;
    this.operation = params.operation;
    this.status = params.status;
    this.body = params.body;
    this.retryable = params.retryable;
    this.retryAfterSeconds = params.retryAfterSeconds;
  }

  /** The vendor's own words, for a result's `detail`. */
  get vendorMessage(): string {
    return this.body.message ?? this.body.title ?? `HTTP ${this.status}`;
  }
}

/** The network failed (reset, refused, DNS) or the vendor did not answer in time. Retryable. */
class TransportError extends Error {
  readonly vendor: string;
  readonly operation: string;
  readonly retryable = true;
  readonly timedOut: boolean;

  constructor(params: { vendor: string; operation: string; timedOut: boolean; reason: string }, options?: ErrorOptions) {
    super(`${params.vendor} ${params.operation} ${params.timedOut ? 'timed out' : 'failed'}: ${params.reason}`, options);
    this.name = 'TransportError';
    this.vendor = params.vendor;
    this.operation = params.operation;
    this.timedOut = params.timedOut;
  }
}

/**
 * The vendor answered 2xx with a body we cannot read: never a silent success. Retryable only where
 * asking again is harmless (a read whose answer was cut short).
 */
class UnexpectedResponseError extends Error {
  readonly vendor: string;
  readonly operation: string;
  readonly retryable: boolean;
  constructor(params: { vendor: string; operation: string; reason: string; retryable?: boolean }, options?: ErrorOptions) {
    super(`${params.vendor} ${params.operation} gave an unexpected answer: ${params.reason}`, options);
    this.name = 'UnexpectedResponseError';
    this.vendor = params.vendor;
    this.operation = params.operation;
    this.retryable = params.retryable ?? false;
  }
}

/** Whether trying the same thing again may help. */
const isRetryable = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'retryable' in error && (error as { retryable: unknown }).retryable === true;

/** A message safe for a result or log line: the error's own message, never its cause chain's objects. */
const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export {
  InvalidRequestError,
  ConfigurationError,
  VendorError,
  TransportError,
  UnexpectedResponseError,
  isRetryable,
  describeError,
};
export type { VendorErrorBody };
