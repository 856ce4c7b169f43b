/**
 * Time as our waits see it: what time it is, and how to wait. Every wait in our code (the account
 * lease, the file lock, retries) takes one, so a test can pass a clock that never waits in real time.
 */
import { sleep } from './retry.js';

interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` of this clock's time; rejects with the signal's reason when it is aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real time and real timers. */
const systemClock: Clock = Object.freeze({ now: () => Date.now(), sleep });

export { systemClock };
export type { Clock };
