/**
 * Whether a run of a window's edge was delivered too late to act: a pause meant for before the window's
 * last resume, or a resume meant for before its last pause (README, "Late deliveries"). Pure: the engine
 * reads the window's edges under the account's lease and asks here.
 */
import type { WindowAction, EdgeRun, WindowEdges } from './ports.js';

/** The other edge of a window. */
const OPPOSITE: Readonly<Record<WindowAction, WindowAction>> = { pause: 'resume', resume: 'pause' };

/** The run of the opposite edge that makes this one stale, with its action. */
interface StaleBecause {
  readonly action: WindowAction;
  readonly at: string;
  readonly runId: string;
}

/**
 * The opposite edge's last run when it was meant for later than `at` (this run's intended time), else
 * undefined. A run of the same edge never makes another stale: a retry stays idempotent.
 */
const staleBecause = (action: WindowAction, at: string, edges: WindowEdges): StaleBecause | undefined => {
  const opposite = OPPOSITE[action];
  const last: EdgeRun | undefined = edges[opposite];
  if (last === undefined || !(Date.parse(last.at) > Date.parse(at))) return undefined;
  return { action: opposite, at: last.at, runId: last.runId };
};

export { staleBecause };
export type { StaleBecause };
