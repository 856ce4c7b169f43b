/**
 * The pause and resume handlers' shared body: parse, run the window, publish, apply the error policy.
 */
import type { Context } from 'aws-lambda';
import type { WindowAction } from './core/request.js';
import { parseWindowRequest } from './core/request.js';
import type { WindowResult } from './core/result.js';
import { runWindow } from './core/window-run.js';
import { VENDORS, createWindowProvider } from './providers/index.js';
import { CampaignsFailedError, getRuntime, invoke, label, log } from './runtime.js';
import { EVENTS } from './settings.js';

/** The event each action's result is published as; a new action does not compile until it has one. */
const RESULT_EVENT: Readonly<Record<WindowAction, string>> = {
  pause: EVENTS.campaignsPaused,
  resume: EVENTS.campaignsResumed,
};

const handleWindow = (action: WindowAction, event: unknown, context?: Context): Promise<WindowResult> =>
  invoke(action, context, async ({ runId, telemetry, leaseWaitMs, vendorDeadline }, labels) => {
    // An invalid request throws here, before any secret is read or vendor called.
    const request = parseWindowRequest(event, action, VENDORS);
    label(labels, { provider: request.provider, secret: request.secret, window: request.window });
    const runtime = getRuntime();
    const provider = await createWindowProvider(VENDORS, request, {
      secrets: runtime.secrets,
      tokenCacheFor: runtime.tokenCacheFor,
      log,
      telemetry,
      deadline: vendorDeadline,
    });
    log.info('run started', { dryRun: request.dryRun, scope: request.scope });
    const result = await runWindow(request, {
      provider,
      store: runtime.store,
      lease: runtime.store,
      runId,
      log,
      telemetry,
      leaseWaitMs: leaseWaitMs(),
    });
    // A stale run (delivered after the window's other edge ran for a later time) changed nothing: it says so.
    await runtime.publisher.publish(result.skipped ? EVENTS.runSkipped : RESULT_EVENT[action], result);
    log.info(result.skipped ? 'run skipped' : 'run finished', { summary: result.summary, ...(result.skipped ? { skipped: result.skipped } : {}) });
    if (result.summary.failed > 0) {
      // Published first, then thrown: the Scheduler's or Lambda's retry runs the window again, which is
      // safe because a run only changes what is not yet as wanted.
      throw new CampaignsFailedError(
        `${result.summary.failed} of ${result.summary.selected} campaigns failed (run ${runId}); the window will be retried`,
      );
    }
    return result;
  });

export { handleWindow };
