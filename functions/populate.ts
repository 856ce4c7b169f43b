/**
 * Lambda: add recipients to a Kahuna adaptive campaign (inline list or a JSON Lines object in S3).
 * Never throws once something was sent: a retry would submit every request again and create duplicate
 * jobs. Failures are reported by the result event, metrics and alarms instead.
 */
import type { Context } from 'aws-lambda';
import { openS3Recipients } from './adapters/aws/s3-recipients.js';
import { holdAccount } from './core/account-lease.js';
import { describeError } from './core/errors.js';
import { runPopulate } from './core/populate.js';
import { parsePopulateRequest } from './core/populate-request.js';
import { exitCodeOfPopulate, type PopulateResult } from './core/populate-result.js';
import { VENDORS, createPopulateClient } from './providers/index.js';
import { getRuntime, invoke, label, log } from './runtime.js';
import { EVENTS, METRICS } from './settings.js';

export const handler = (event: unknown, context?: Context): Promise<PopulateResult> =>
  invoke('populate', context, async ({ runId, telemetry, leaseWaitMs, vendorDeadline }, labels) => {
    const request = parsePopulateRequest(event, { allowFile: false });
    label(labels, { provider: request.provider, secret: request.secret });
    const runtime = getRuntime();
    const client = await createPopulateClient(VENDORS, request, { secrets: runtime.secrets, log, telemetry, deadline: vendorDeadline });
    const recipients = request.recipients.kind === 's3' ? await openS3Recipients(request.recipients) : undefined;
    // Kahuna's 10 requests in flight are per account: one populate of an account at a time.
    const release = await holdAccount(runtime.store, { provider: request.provider, account: request.secret }, runId, {
      waitMs: leaseWaitMs(),
      log,
    });
    let result: PopulateResult;
    try {
      result = await runPopulate(request, {
        client,
        ...(recipients ? { recipients } : {}),
        runId,
        log,
        telemetry,
        // Jobs are followed until the vendor deadline: the invocation's end, less the time to report.
        maxWaitMs: Math.max(1, vendorDeadline() - Date.now()),
      });
    } finally {
      await release();
    }
    const finished = result.requests.every((r) => !['PENDING', 'RUNNING'].includes(r.status));
    try {
      await runtime.publisher.publish(finished && request.wait ? EVENTS.populateFinished : EVENTS.populateSubmitted, result);
    } catch (error) {
      // Requests were sent: a throw now would make the async retry send them all again. The result is
      // in the log line below and the return value; the metric's alarm tells a person the event is missing.
      telemetry.count(METRICS.resultsUnpublished);
      log.error('could not publish the populate result', { error: describeError(error) });
    }
    // Something needs a person (a refused or failed request, a FAILED job, invalid recipients): alarm.
    if (exitCodeOfPopulate(result) === 1) telemetry.count(METRICS.runsFailed);
    log.info('populate finished', { summary: result.summary, ...(result.error ? { error: result.error } : {}) });
    return result;
  });
