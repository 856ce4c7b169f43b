/**
 * Ctrl-C for the command: the first SIGINT or SIGTERM asks the run to stop (an AbortSignal the
 * commands read), so it can finish what is in flight, report and give the account back; a second one
 * quits at once. The process and the exit are injected, so tests never send real signals.
 */
import { ExitStatus } from '../functions/core/errors.js';

interface SignalSource {
  on(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

interface Interrupt {
  readonly signal: AbortSignal;
  /** Stops listening, so the process's default handling comes back. */
  dispose(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Exit status of a run a person interrupted (128 + SIGINT, as shells report it). */
const EXIT_INTERRUPTED = ExitStatus.interrupted;

const interruptOnSignals = (
  source: SignalSource,
  stderr: NodeJS.WritableStream,
  exit: (code: number) => void,
): Interrupt => {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) {
      exit(EXIT_INTERRUPTED);
      return;
    }
    stderr.write('\ncampaign-ops: stopping: nothing new is started, what is in flight finishes (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  for (const name of SIGNALS) source.on(name, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of SIGNALS) source.off(name, onSignal);
    },
  };
};

export { interruptOnSignals, EXIT_INTERRUPTED };
export type { Interrupt, SignalSource };
