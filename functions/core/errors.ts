/**
 * Error classes shared by every layer. Each keeps its cause and never carries a credential:
 * vendor bodies are kept as parsed fields, never as the request that produced them.
 *
 * Every campaign-ops error extends CampaignOpsError and says three things about itself: a stable
 * `code`, whether trying again may help (`retryable`), and the command's exit status when it ends one
 * (`exitStatus`). isRetryable and exitStatusOf below are the one place each of those is read.
 */

/** Exit statuses an error can end a command with (0 is never an error's). */
const ExitStatus = {
  /** A run could not finish; the result or message says what was done. */
  failed: 1,
  /** Nothing was done: the request, a file, the configuration or the credentials need a person. */
  nothingDone: 2,
  /** A person asked the run to stop. */
  interrupted: 130,
} as const;
type ExitStatus = (typeof ExitStatus)[keyof typeof ExitStatus];

/** What an error says about itself. */
interface ErrorTraits {
  /** Stable, for logs and dashboards: a class may be renamed, its code stays. */
  readonly code: string;
  /** The same thing may succeed later: the Scheduler's or Lambda's retry, or the next run, is worth it. */
  readonly retryable: boolean;
  readonly exitStatus: ExitStatus;
}

/** The base of every campaign-ops error. */
class CampaignOpsError extends Error implements ErrorTraits {
  readonly code: string;
  readonly retryable: boolean;
  readonly exitStatus: ExitStatus;

  constructor(message: string, traits: ErrorTraits, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CampaignOpsError';
    this.code = traits.code;
    this.retryable = traits.retryable;
    this.exitStatus = traits.exitStatus;
  }
}

/** One problem in a request or configuration, naming the field (a dotted path) and what is wrong. */
export interface FieldIssue {
  readonly field: string;
  readonly problem: string;
}

/** The request, a file or a secret is invalid: nothing was sent to a vendor. Never retryable. */
class InvalidRequestError extends CampaignOpsError {
  readonly issues: readonly FieldIssue[];

  constructor(issues: readonly FieldIssue[], options?: ErrorOptions & { subject?: string }) {
    const subject = options?.subject ?? 'request';
    super(
      `invalid ${subject}: ${issues.map((i) => `${i.field}: ${i.problem}`).join('; ')}`,
      { code: 'INVALID_REQUEST', retryable: false, exitStatus: ExitStatus.nothingDone },
      options,
    );
    this.name = 'InvalidRequestError';
    this.issues = issues;
  }
}

/** Credentials or configuration outside the request are unusable (missing secret, bad JSON, bad baseUrl). */
class ConfigurationError extends CampaignOpsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, { code: 'CONFIGURATION', retryable: false, exitStatus: ExitStatus.nothingDone }, options);
    this.name = 'ConfigurationError';
  }
}

/** What a vendor said when it refused or failed a call. */
interface VendorErrorBody {
  readonly title?: string;
  readonly message?: string;
  readonly traceId?: string;
}

/** The vendor refused the credentials or the account's permission: a person must fix them. */
const refusesCredentials = (status: number): boolean => status === 401 || status === 403 || status === 409;

/**
 * A vendor answered with a status that is not success. `retryable` is true when the same call may
 * succeed later (429, 5xx), false for the caller's own mistakes (4xx); a refused credential ends a
 * command as "nothing done".
 */
class VendorError extends CampaignOpsError {
  readonly vendor: string;
  readonly status: number;
  readonly body: VendorErrorBody;
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
    super(
      `${params.vendor} ${params.operation} answered ${params.status}${said ? ` (${said})` : ''}`,
      {
        code: 'VENDOR_ERROR',
        retryable: params.retryable,
        exitStatus: refusesCredentials(params.status) ? ExitStatus.nothingDone : ExitStatus.failed,
      },
      options,
    );
    this.name = 'VendorError';
    this.vendor = params.vendor;
    this.operation = params.operation;
    this.status = params.status;
    this.body = params.body;
    this.retryAfterSeconds = params.retryAfterSeconds;
  }

  /** The vendor's own words, for a result's `detail`. */
  get vendorMessage(): string {
    return this.body.message ?? this.body.title ?? `HTTP ${this.status}`;
  }
}

/** The network failed (reset, refused, DNS) or the vendor did not answer in time. Retryable. */
class TransportError extends CampaignOpsError {
  readonly vendor: string;
  readonly operation: string;
  readonly timedOut: boolean;

  constructor(params: { vendor: string; operation: string; timedOut: boolean; reason: string }, options?: ErrorOptions) {
    super(
      `${params.vendor} ${params.operation} ${params.timedOut ? 'timed out' : 'failed'}: ${params.reason}`,
      { code: 'TRANSPORT', retryable: true, exitStatus: ExitStatus.failed },
      options,
    );
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
class UnexpectedResponseError extends CampaignOpsError {
  readonly vendor: string;
  readonly operation: string;
  constructor(params: { vendor: string; operation: string; reason: string; retryable?: boolean }, options?: ErrorOptions) {
    super(
      `${params.vendor} ${params.operation} gave an unexpected answer: ${params.reason}`,
      { code: 'UNEXPECTED_RESPONSE', retryable: params.retryable ?? false, exitStatus: ExitStatus.failed },
      options,
    );
    this.name = 'UnexpectedResponseError';
    this.vendor = params.vendor;
    this.operation = params.operation;
  }
}

/** Whether trying the same thing again may help: only a campaign-ops error that says so. */
const isRetryable = (error: unknown): boolean => error instanceof CampaignOpsError && error.retryable;

/** The exit status a command ends with when this error stops it: what the error says, 1 for anything else. */
const exitStatusOf = (error: unknown): ExitStatus => (error instanceof CampaignOpsError ? error.exitStatus : ExitStatus.failed);

/** A message safe for a result or log line: the error's own message, never its cause chain's objects. */
const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export {
  ExitStatus,
  CampaignOpsError,
  InvalidRequestError,
  ConfigurationError,
  VendorError,
  TransportError,
  UnexpectedResponseError,
  isRetryable,
  exitStatusOf,
  refusesCredentials,
  describeError,
};
export type { ErrorTraits, VendorErrorBody };
