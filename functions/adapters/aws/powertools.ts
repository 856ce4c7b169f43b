/**
 * Powertools Logger and Metrics behind the core's Log and Telemetry ports. Counters are summed during
 * a run and flushed once as EMF: each with the service dimension only (what the alarms watch) and again
 * with the provider, for per-vendor dashboards.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Log, Telemetry } from '../../core/ports.js';
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

/** The Powertools Logger already has the Log shape; this only narrows the type. */
const asLog = (logger: Logger): Log => logger;

export { createLogger, createMetrics, RunTelemetry, asLog };
