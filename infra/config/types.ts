/**
 * The window configuration an operator edits (infra/windows.ts), and what validation makes of it for the
 * stack. Types only: which providers exist is the vendor registry's to say (functions/providers/index.ts).
 */
import type { WindowAction } from '../../functions/core/request.js';

/** A vendor of the registry: deltadna, ocamba, kahuna. */
type AccountProvider = string;
/** A vendor whose campaigns windows pause and resume: deltadna, ocamba. */
type WindowProviderName = string;

/** One vendor account: its credentials live in the Secrets Manager secret of this name. */
interface AccountConfig {
  /** Secrets Manager secret name (not an ARN: the stack derives the token cache name and IAM scope from it). */
  readonly secret: string;
  readonly provider: AccountProvider;
  /**
   * true: the stack creates the secret with empty fields, and you put the credentials in after deploying.
   * false/absent: the secret already exists and is referenced by name.
   */
  readonly createSecret?: boolean;
}

/** Which campaigns a window touches: the `select` of a pause or resume request, as the Lambdas read it. */
interface SelectConfig {
  /** deltaDNA environment id (e.g. 8756) or "Game/Environment". */
  readonly environment?: number | string;
  readonly allEnvironments?: boolean;
  readonly ids?: readonly (string | number)[];
  /** Glob patterns on campaign names (* and ?). */
  readonly names?: readonly string[];
  /** Ocamba labels. */
  readonly labels?: readonly string[];
  readonly exclude?: readonly (string | number)[];
  /** deltaDNA: "event-triggered" (default), "decision-point" or "all". */
  readonly kind?: string;
}

/** A maintenance window: pause at one time, resume what it paused at another, in one time zone. */
interface WindowConfig {
  /** Keys what the window paused; also the `detail.window` of the Maintenance Started/Finished events. */
  readonly name: string;
  readonly provider: WindowProviderName;
  /** The account's secret name, declared in `accounts`. */
  readonly secret: string;
  readonly select?: SelectConfig;
  /** Passed to vendors that take one (Ocamba). */
  readonly reason?: string;
  /**
   * When to pause, in `timeZone`: `cron(minutes hours day-of-month month day-of-week year)`, e.g.
   * `cron(0 22 * * ? *)`, or once: `at(2026-12-24T18:00:00)` (a bare `2026-12-24T18:00:00` also works).
   */
  readonly pause: string;
  /** When to resume, in the same forms. */
  readonly resume: string;
  /** IANA time zone of both times, e.g. "Europe/Berlin"; daylight saving time is followed. */
  readonly timeZone: string;
  /** Let Scheduler start up to this many minutes late (1-1440) to spread load; absent = on the minute. */
  readonly flexibleWindowMinutes?: number;
  readonly enabled: boolean;
}

interface CampaignOpsConfig {
  /** true disables every schedule and window event rule at the next deploy; manual runs still work. */
  readonly killSwitch: boolean;
  /** Where alarms are mailed (SNS email subscription, confirmed by mail); absent = topic only. */
  readonly alarmEmail?: string;
  /** S3 buckets populate may read recipient files from (`recipients: { s3 }`); none = inline lists only. */
  readonly recipientBuckets?: readonly string[];
  readonly accounts: readonly AccountConfig[];
  readonly windows: readonly WindowConfig[];
}

/** The pause/resume request exactly as a schedule or window rule sends it, in the form functions/core/request.ts reads. */
interface ScheduledRequest {
  readonly provider: WindowProviderName;
  readonly secret: string;
  readonly window: string;
  readonly select: SelectConfig;
  readonly reason?: string;
  readonly dryRun: false;
  readonly scope?: 'window';
}

/** One edge of a window: when, in EventBridge Scheduler syntax, and what to send. */
interface WindowEdge {
  readonly action: WindowAction;
  /** `cron(...)` or `at(...)`, evaluated in the window's time zone. */
  readonly expression: string;
  readonly request: ScheduledRequest;
}

interface WindowPlan {
  readonly name: string;
  readonly provider: WindowProviderName;
  readonly secret: string;
  readonly timeZone: string;
  readonly flexibleWindowMinutes?: number;
  /** The window's own flag and the kill switch together. */
  readonly active: boolean;
  readonly pause: WindowEdge;
  readonly resume: WindowEdge;
}

interface ValidatedConfig {
  readonly killSwitch: boolean;
  readonly alarmEmail?: string;
  readonly recipientBuckets: readonly string[];
  readonly accounts: readonly AccountConfig[];
  readonly windows: readonly WindowPlan[];
}

export type {
  AccountProvider,
  AccountConfig,
  SelectConfig,
  WindowConfig,
  CampaignOpsConfig,
  ScheduledRequest,
  WindowEdge,
  WindowPlan,
  ValidatedConfig,
};
