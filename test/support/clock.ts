/**
 * A clock for tests that moves only when told, so no test waits in real time for a lease, a lock or a
 * retry: a sleep resolves when the test advances the time past its wake-up.
 */
import type { Clock } from '../../functions/core/clock.js';

interface Sleeper {
  readonly at: number;
  readonly wake: () => void;
}

class ManualClock implements Clock {
  #now: number;
  readonly #sleepers: Sleeper[] = [];
  #onSleep: (() => void)[] = [];

  constructor(start: number = Date.UTC(2026, 10, 22, 21, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        this.#remove(sleeper);
        reject(signal?.reason);
      };
      const sleeper: Sleeper = {
        at: this.#now + Math.max(0, ms),
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(sleeper);
      const waiting = this.#onSleep;
      this.#onSleep = [];
      for (const notify of waiting) notify();
    });
  }

  /** How many sleeps are waiting for the time to pass. */
  get sleeping(): number {
    return this.#sleepers.length;
  }

  /** Resolves once something sleeps on this clock (at once if something already does). */
  whenSleeping(): Promise<void> {
    if (this.#sleepers.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.#onSleep.push(resolve));
  }

  /** Moves the time forward by `ms`, waking in time order every sleep due by then. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const next = this.#earliest();
      if (next === undefined || next.at > until) break;
      this.#remove(next);
      this.#now = Math.max(this.#now, next.at);
      next.wake();
    }
    this.#now = until;
  }

  /**
   * Lets time pass while `task` runs: whenever something sleeps on this clock, the time jumps to the
   * earliest wake-up (a heartbeat's included, so a long task sees its lease renewed). Resolves or rejects
   * as the task does.
   */
  async run<T>(task: Promise<T>): Promise<T> {
    let settled = false;
    const done = task.finally(() => {
      settled = true;
    });
    done.catch(() => undefined);
    while (!settled) {
      await Promise.race([done.catch(() => undefined), this.whenSleeping()]);
      // One turn of the event loop first, so I/O in progress (a file, a socket) is never starved.
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) break;
      const next = this.#earliest();
      if (next) this.advance(next.at - this.#now);
    }
    return task;
  }

  #earliest(): Sleeper | undefined {
    return this.#sleepers.reduce<Sleeper | undefined>((first, s) => (first === undefined || s.at < first.at ? s : first), undefined);
  }

  #remove(sleeper: Sleeper): void {
    const index = this.#sleepers.indexOf(sleeper);
    if (index >= 0) this.#sleepers.splice(index, 1);
  }
}

/** The real clock moved `aheadMs` into the future: "the same run, that much later". */
const clockAhead = (aheadMs: number, base: Clock): Clock => ({
  now: () => base.now() + aheadMs,
  sleep: (ms, signal) => base.sleep(ms, signal),
});

export { ManualClock, clockAhead };
