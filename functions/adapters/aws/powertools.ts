/**
 * Powertools Logger and Metrics behind the core's Log and Telemetry ports. Counters are summed during
 * a run and flushed once as EMF: each with the service dimension only (what the alarms watch) and again
 * with the provider, for per-vendor dashboards.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Log, Telemetry } from '../../core/ports.js';
import { knownSecrets } from '../../core/redact.js';
import { METRICS } from '../../settings.js';

const createLogger = (): Logger => new Logger({ serviceName: METRICS.service });

const createMetrics = (): Metrics => new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.service });

/** Counts for one run; `flush` writes them and starts again from zero. */
class RunTelemetry implements Telemetry {
  readonly #metrics: Metrics;
  readonly #counts = new Map<string, number>();

  constructor(metrics: Metrics) {
    this.#metrics = metrics;
  }

  count(name: string, value = 1): void {
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + value);
  }

  flush(provider: string | undefined): void {
    if (this.#counts.size === 0) return;
    for (const [name, value] of this.#counts) this.#metrics.addMetric(name, MetricUnit.Count, value);
    this.#metrics.publishStoredMetrics();
    if (provider) {
      // One more EMF document with the provider as a dimension (singleMetric would write one per metric).
      const perProvider = new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.service, defaultDimensions: { provider } });
      for (const [name, value] of this.#counts) perProvider.addMetric(name, MetricUnit.Count, value);
      perProvider.publishStoredMetrics();
    }
    this.#counts.clear();
  }
}

/**
 * The Powertools Logger as the core's Log, with every line scrubbed of the credentials the process has
 * read: vendor text is scrubbed where it enters, and this is the last gate before CloudWatch.
 */
const asLog = (logger: Logger): Log => {
  const scrubbed = (extra: Record<string, unknown>[]): Record<string, unknown>[] => extra.map((item) => knownSecrets.scrubJson(item) as Record<string, unknown>);
  return {
    debug: (message, ...extra) => logger.debug(knownSecrets.scrub(message), ...scrubbed(extra)),
    info: (message, ...extra) => logger.info(knownSecrets.scrub(message), ...scrubbed(extra)),
    warn: (message, ...extra) => logger.warn(knownSecrets.scrub(message), ...scrubbed(extra)),
    error: (message, ...extra) => logger.error(knownSecrets.scrub(message), ...scrubbed(extra)),
  };
};

export { createLogger, createMetrics, RunTelemetry, asLog };
