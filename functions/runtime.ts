/**
 * What the three Lambda handlers share: clients and adapters built once per container (lazily, from
 * the environment the stack sets), the logger and metrics, and the run's reporting: a result event on
 * the bus, metrics, and the error policy.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { DynamoDbWindowStore } from './adapters/aws/dynamodb-window-store.js';
import { EventBridgePublisher } from './adapters/aws/eventbridge-publisher.js';
import { asLog, createLogger, createMetrics, RunTelemetry } from './adapters/aws/powertools.js';
import { SecretsManagerSource } from './adapters/aws/secrets-manager.js';
import { SecretsManagerTokenCache } from './adapters/aws/token-cache.js';
import { CampaignOpsError, ConfigurationError, ExitStatus, InvalidRequestError, describeError, isRetryable } from './core/errors.js';
import type { ResultPublisher, SecretSource, TokenCache } from './core/ports.js';
import { clip } from './core/validation.js';
import { ENVIRONMENT, EVENTS, METRICS, TOKEN_CACHE_PREFIX_DEFAULT } from './settings.js';

const logger = createLogger();
const metrics = createMetrics();
const log = asLog(logger);

interface Runtime {
  readonly secrets: SecretSource;
  readonly store: DynamoDbWindowStore;
  readonly publisher: ResultPublisher;
  readonly tokenCacheFor: (account: string) => TokenCache;
}

const requiredEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new ConfigurationError(`environment variable ${name} is not set (the stack sets it)`);
  return value;
};

let runtime: Runtime | undefined;

/** Built on first use and kept for the container's life: SDK clients reuse their connections. */
const getRuntime = (): Runtime => {
  if (runtime) return runtime;
  const tableName = requiredEnv(ENVIRONMENT.windowTable);
  const eventBusName = requiredEnv(ENVIRONMENT.eventBus);
  const prefix = process.env[ENVIRONMENT.tokenCachePrefix] || TOKEN_CACHE_PREFIX_DEFAULT;
  runtime = {
    secrets: new SecretsManagerSource(),
    store: new DynamoDbWindowStore({ tableName }),
    publisher: new EventBridgePublisher({ eventBusName, log }),
    tokenCacheFor: (account) => new SecretsManagerTokenCache({ accountSecret: account, prefix }),
  };
  return runtime;
};

/** Thrown after the result was published, so that the Scheduler or async retry runs the window again. */
class CampaignsFailedError extends CampaignOpsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, { code: 'CAMPAIGNS_FAILED', retryable: true, exitStatus: ExitStatus.failed }, options);
    this.name = 'CampaignsFailedError';
  }
}

interface RunScope {
  readonly runId: string;
  readonly telemetry: RunTelemetry;
  /** Milliseconds this invocation has left (a generous default outside Lambda). */
  readonly remainingMs: () => number;
  /** How long to wait for another run of the same account: a quarter of what is left, 1 s to 2 min. */
  readonly leaseWaitMs: () => number;
  /** When vendor calls must stop waiting out 429s (epoch ms): the invocation's end, less time to report. */
  readonly vendorDeadline: () => number;
}

/** Left at the end of an invocation for recording outcomes and publishing the result. */
const REPORTING_MARGIN_MS = 30_000;

/** What the run was about, for logs and the Run Failed event; filled in as the request is read. */
interface RunLabels {
  action: string;
  provider?: string;
  secret?: string;
  window?: string;
}

/** Characters of an error message in a log line or the Run Failed event: the event must always fit the bus. */
const MAX_ERROR_CHARS = 2_000;

const describeBriefly = (error: unknown): string => clip(describeError(error), MAX_ERROR_CHARS);

const publishRunFailed = async (labels: RunLabels, runId: string, error: unknown): Promise<void> => {
  const detail = {
    ...labels,
    runId,
    error: describeBriefly(error),
    errorType: error instanceof Error ? error.name : 'Error',
    retryable: isRetryable(error),
    ...(error instanceof InvalidRequestError ? { issues: error.issues } : {}),
  };
  try {
    await getRuntime().publisher.publish(EVENTS.runFailed, detail);
  } catch (publishError) {
    log.error('could not publish the Run Failed event', { error: describeError(publishError) });
  }
};

/**
 * Runs one invocation: labels every log line with the run, counts RunsFailed and publishes Run Failed
 * when the run could not produce a result, and always flushes the metrics.
 */
const invoke = async <T>(action: string, context: Context | undefined, work: (scope: RunScope, labels: RunLabels) => Promise<T>): Promise<T> => {
  const runId = context?.awsRequestId ?? randomUUID();
  logger.resetKeys();
  if (context) logger.addContext(context);
  logger.appendKeys({ runId, action });
  const telemetry = new RunTelemetry(metrics);
  const labels: RunLabels = { action };
  const remainingMs = () => context?.getRemainingTimeInMillis() ?? 15 * 60_000;
  const leaseWaitMs = () => Math.max(1_000, Math.min(120_000, remainingMs() / 4));
  const vendorDeadline = () => Date.now() + Math.max(0, remainingMs() - REPORTING_MARGIN_MS);
  try {
    return await work({ runId, telemetry, remainingMs, leaseWaitMs, vendorDeadline }, labels);
  } catch (error) {
    if (!(error instanceof CampaignsFailedError)) {
      telemetry.count(METRICS.runsFailed);
      log.error('run failed', { error: describeBriefly(error), errorType: error instanceof Error ? error.name : 'Error' });
      await publishRunFailed(labels, runId, error);
    }
    throw error;
  } finally {
    // Metrics are worth less than the run's outcome: a flush that fails is said, never thrown (a populate
    // must not throw once it sent something).
    try {
      telemetry.flush(labels.provider);
    } catch (error) {
      log.error('could not write the run metrics', { error: describeError(error) });
    }
  }
};

/** Adds what the request named to every later log line of the run. */
const label = (labels: RunLabels, values: Omit<RunLabels, 'action'>): void => {
  Object.assign(labels, values);
  logger.appendKeys({ ...values, ...(values.secret ? { account: values.secret } : {}) });
};

export { getRuntime, invoke, label, log, logger, CampaignsFailedError, REPORTING_MARGIN_MS };
export type { Runtime, RunScope, RunLabels };
