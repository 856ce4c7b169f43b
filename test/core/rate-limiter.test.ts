import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  WindowedLimiter,
  concurrencyLimiter,
  mapWithConcurrency,
  type Limiter,
  type Release,
} from '../../functions/core/rate-limiter.js';

/** Starts `count` acquires and records when each is granted (fake-clock time) and its release. */
const startAcquires = (limiter: Limiter, count: number) => {
  const grants: { at: number; release: Release }[] = [];
  const promises = Array.from({ length: count }, () =>
    limiter.acquire().then((release) => {
      grants.push({ at: Date.now(), release });
      return release;
    }),
  );
  return { grants, promises };
};

/** Advances the fake clock to `ms` after the test's start, running due timers and their promise callbacks. */
let t0 = 0;
const advanceTo = async (ms: number): Promise<void> => {
  await vi.advanceTimersByTimeAsync(t0 + ms - Date.now());
};

describe('Class: WindowedLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    t0 = Date.now();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('grants at once when there is no limit', async () => {
    // Prepare
    const limiter = new WindowedLimiter();

    // Act
    const { grants } = startAcquires(limiter, 50);
    await advanceTo(0);

    // Assess
    expect(grants).toHaveLength(50);
    expect(limiter.waiting).toBe(0);
  });

  it('grants no more than a window allows, and the next ones once the window and its margin have passed', async () => {
    // Prepare
    const limiter = new WindowedLimiter({ windows: [{ limit: 3, periodMs: 1_000 }], marginMs: 100 });

    // Act
    const { grants } = startAcquires(limiter, 7);
    await advanceTo(0);
    const atStart = grants.length;
    await advanceTo(1_099);
    const beforeWindowEnds = grants.length;
    await advanceTo(1_101);
    const afterFirstWindow = grants.length;
    await advanceTo(2_202);

    // Assess
    expect(atStart).toBe(3);
    expect(limiter.waiting).toBe(0);
    expect(beforeWindowEnds).toBe(3);
    expect(afterFirstWindow).toBe(6);
    expect(grants).toHaveLength(7);
    expect(grants.map((g) => g.at - t0)).toEqual([0, 0, 0, 1_101, 1_101, 1_101, 2_202]);
  });

  it('never admits more than the limit in any interval of the period (sliding, not fixed, window)', async () => {
    // Prepare
    const limiter = new WindowedLimiter({ windows: [{ limit: 5, periodMs: 1_000 }], marginMs: 0 });

    // Act
    const { grants } = startAcquires(limiter, 23);
    await advanceTo(10_000);

    // Assess
    expect(grants).toHaveLength(23);
    const times = grants.map((g) => g.at);
    for (const start of times) {
      expect(times.filter((t) => t >= start && t < start + 1_000).length).toBeLessThanOrEqual(5);
    }
  });

  it('enforces two windows at once: per second and per minute', async () => {
    // Prepare
    const limiter = new WindowedLimiter({
      windows: [
        { limit: 2, periodMs: 1_000 },
        { limit: 3, periodMs: 60_000 },
      ],
      marginMs: 0,
    });

    // Act
    const { grants } = startAcquires(limiter, 5);
    await advanceTo(0);
    const atStart = grants.length;
    await advanceTo(1_001);
    const afterOneSecond = grants.length;
    await advanceTo(60_000);
    const justBeforeTheMinute = grants.length;
    await advanceTo(60_001);

    // Assess
    expect(atStart).toBe(2);
    expect(afterOneSecond).toBe(3);
    expect(justBeforeTheMinute).toBe(3);
    expect(grants.map((g) => g.at - t0)).toEqual([0, 0, 1_001, 60_001, 60_001]);
  });

  it('holds requests beyond maxInFlight until one is released', async () => {
    // Prepare
    const limiter = new WindowedLimiter({ maxInFlight: 2 });
    const { grants } = startAcquires(limiter, 4);
    await advanceTo(0);
    const atStart = grants.length;

    // Act
    grants[0]!.release();
    await advanceTo(0);

    // Assess
    expect(atStart).toBe(2);
    expect(grants).toHaveLength(3);
    expect(limiter.waiting).toBe(1);
  });

  it('counts a release once however often it is called', async () => {
    // Prepare
    const limiter = concurrencyLimiter(1) as WindowedLimiter;
    const { grants } = startAcquires(limiter, 3);
    await advanceTo(0);

    // Act
    grants[0]!.release();
    grants[0]!.release();
    grants[0]!.release();
    await advanceTo(0);

    // Assess
    expect(grants).toHaveLength(2);
    expect(limiter.waiting).toBe(1);
  });

  it('aligns with the vendor: usage it reports beyond ours counts until its window resets', async () => {
    // Prepare
    const limiter = new WindowedLimiter({ windows: [{ limit: 10, periodMs: 1_000 }] });

    // Act: another process used 8 of the 10; the vendor's window resets in 400 ms.
    limiter.observe({ limit: 10, remaining: 2, resetMs: 400 });
    const { grants } = startAcquires(limiter, 3);
    await advanceTo(0);
    const atStart = grants.length;
    await advanceTo(400);
    const atReset = grants.length;
    await advanceTo(401);

    // Assess
    expect(atStart).toBe(2);
    expect(atReset).toBe(2);
    expect(grants).toHaveLength(3);
  });

  it('does not count its own requests twice when the vendor reports them', async () => {
    // Prepare
    const limiter = new WindowedLimiter({ windows: [{ limit: 10, periodMs: 1_000 }] });
    const first = startAcquires(limiter, 3);
    await advanceTo(0);

    // Act: the vendor has seen our 3 plus 2 from elsewhere.
    limiter.observe({ limit: 10, remaining: 5, resetMs: 1_000 });
    const more = startAcquires(limiter, 6);
    await advanceTo(0);

    // Assess
    expect(first.grants).toHaveLength(3);
    expect(more.grants).toHaveLength(5);
  });

  it('ignores a report that shows less usage than its own', async () => {
    // Prepare
    const limiter = new WindowedLimiter({ windows: [{ limit: 3, periodMs: 1_000 }] });

    // Act
    limiter.observe({ limit: 3, remaining: 3, resetMs: 500 });
    limiter.observe({ limit: 3, remaining: -1, resetMs: 500 });
    const { grants } = startAcquires(limiter, 4);
    await advanceTo(0);

    // Assess
    expect(grants).toHaveLength(3);
  });

  it('aligns the window whose limit the vendor reports: the per-second one', async () => {
    // Prepare
    const limiter = new WindowedLimiter({
      windows: [
        { limit: 10, periodMs: 1_000 },
        { limit: 150, periodMs: 60_000 },
      ],
    });

    // Act: this second's 10 are used up elsewhere; the vendor's second resets in 300 ms.
    limiter.observe({ limit: 10, remaining: 0, resetMs: 300 });
    const { grants } = startAcquires(limiter, 1);
    await advanceTo(300);
    const beforeReset = grants.length;
    await advanceTo(301);

    // Assess
    expect(beforeReset).toBe(0);
    expect(grants).toHaveLength(1);
  });

  it('aligns the window whose limit the vendor reports: the per-minute one', async () => {
    // Prepare
    const limiter = new WindowedLimiter({
      windows: [
        { limit: 10, periodMs: 1_000 },
        { limit: 150, periodMs: 60_000 },
      ],
    });

    // Act: the minute window is nearly used up elsewhere; it resets in 30 s.
    limiter.observe({ limit: 150, remaining: 1, resetMs: 30_000 });
    const { grants } = startAcquires(limiter, 2);
    await advanceTo(29_999);
    const beforeReset = grants.length;
    await advanceTo(30_001);

    // Assess
    expect(beforeReset).toBe(1);
    expect(grants).toHaveLength(2);
  });

  it('holds every request until holdUntil, and keeps the later of two holds', async () => {
    // Prepare
    const limiter = new WindowedLimiter({ windows: [{ limit: 100, periodMs: 1_000 }] });
    limiter.holdUntil(Date.now() + 500);
    limiter.holdUntil(Date.now() + 200);

    // Act
    const { grants } = startAcquires(limiter, 4);
    await advanceTo(499);
    const held = grants.length;
    await advanceTo(501);

    // Assess
    expect(held).toBe(0);
    expect(grants).toHaveLength(4);
    expect(grants.every((g) => g.at - t0 >= 500)).toBe(true);
  });

  it('holds requests already waiting when a hold arrives', async () => {
    // Prepare
    const limiter = new WindowedLimiter({ windows: [{ limit: 1, periodMs: 100 }], marginMs: 0 });
    const { grants } = startAcquires(limiter, 2);
    await advanceTo(0);

    // Act
    limiter.holdUntil(Date.now() + 1_000);
    await advanceTo(999);
    const held = grants.length;
    await advanceTo(1_001);

    // Assess
    expect(held).toBe(1);
    expect(grants).toHaveLength(2);
  });

  it('drops a waiter whose signal aborts, rejecting it with the reason', async () => {
    // Prepare
    const limiter = new WindowedLimiter({ maxInFlight: 1 });
    const first = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    const outcome = waiting.then(
      () => 'granted',
      (reason: unknown) => reason,
    );
    const waitingBefore = limiter.waiting;

    // Act
    controller.abort(new Error('run cancelled'));
    const after = startAcquires(limiter, 1);
    first();
    await advanceTo(0);

    // Assess
    expect(waitingBefore).toBe(1);
    expect(await outcome).toEqual(new Error('run cancelled'));
    expect(after.grants).toHaveLength(1);
    expect(limiter.waiting).toBe(0);
  });

  it('refuses at once when the signal is already aborted', async () => {
    // Prepare
    const limiter = new WindowedLimiter();

    // Act
    const acquiring = limiter.acquire(AbortSignal.abort(new Error('too late')));

    // Assess
    await expect(acquiring).rejects.toThrow('too late');
    expect(limiter.waiting).toBe(0);
  });

  it('lets an abort after the grant change nothing', async () => {
    // Prepare
    const limiter = new WindowedLimiter({ maxInFlight: 1 });
    const controller = new AbortController();
    const release = await limiter.acquire(controller.signal);

    // Act
    controller.abort();
    const next = startAcquires(limiter, 1);
    await advanceTo(0);
    const whileHeld = next.grants.length;
    release();
    await advanceTo(0);

    // Assess
    expect(whileHeld).toBe(0);
    expect(next.grants).toHaveLength(1);
  });
});

describe('Function: mapWithConcurrency', () => {
  /** A worker whose calls finish only when the test says so. */
  const controlledWorker = () => {
    let active = 0;
    let maxActive = 0;
    const pending = new Map<number, () => void>();
    const worker = (item: number, index: number): Promise<string> => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      return new Promise<string>((resolve) => {
        pending.set(index, () => {
          active -= 1;
          resolve(`item ${item} at ${index}`);
        });
      });
    };
    return { worker, pending, maxActive: () => maxActive, active: () => active };
  };

  const flush = async (): Promise<void> => {
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
  };

  it('keeps results in input order whatever order the work finishes in', async () => {
    // Prepare
    const { worker, pending } = controlledWorker();
    const items = [10, 20, 30, 40, 50, 60];
    const mapping = mapWithConcurrency(items, 3, worker);

    // Act: the first three finish last-started-first, then the next three likewise.
    await flush();
    const startedFirst = [...pending.keys()];
    for (const index of [2, 1, 0]) {
      pending.get(index)!();
      await flush();
    }
    const startedNext = [...pending.keys()].filter((index) => index > 2);
    for (const index of [5, 4, 3]) {
      pending.get(index)!();
      await flush();
    }
    const results = await mapping;

    // Assess
    expect(startedFirst).toEqual([0, 1, 2]);
    expect(startedNext.sort()).toEqual([3, 4, 5]);
    expect(results).toEqual(items.map((item, index) => `item ${item} at ${index}`));
  });

  it('never runs more than the concurrency at once, and uses all of it', async () => {
    // Prepare
    const { worker, pending, maxActive, active } = controlledWorker();
    const items = Array.from({ length: 10 }, (_, i) => i);
    const mapping = mapWithConcurrency(items, 4, worker);
    await flush();
    const activeAtStart = active();

    // Act
    while (pending.size > 0) {
      const first = Math.min(...pending.keys());
      pending.get(first)!();
      pending.delete(first);
      await flush();
    }
    const results = await mapping;

    // Assess
    expect(activeAtStart).toBe(4);
    expect(maxActive()).toBe(4);
    expect(results).toHaveLength(10);
  });

  it('runs one at a time with a concurrency of 0 or 1', async () => {
    // Prepare
    const { worker, pending, maxActive } = controlledWorker();
    const mapping = mapWithConcurrency([1, 2, 3], 0, worker);

    // Act
    for (let i = 0; i < 3; i += 1) {
      await flush();
      const [index, finish] = [...pending.entries()][0]!;
      finish();
      pending.delete(index);
    }
    const results = await mapping;

    // Assess
    expect(maxActive()).toBe(1);
    expect(results).toEqual(['item 1 at 0', 'item 2 at 1', 'item 3 at 2']);
  });

  it('returns an empty list for no items without calling the worker', async () => {
    // Prepare
    const worker = vi.fn(async () => 'x');

    // Act
    const results = await mapWithConcurrency([], 5, worker);

    // Assess
    expect(results).toEqual([]);
    expect(worker).not.toHaveBeenCalled();
  });

  it('rejects with the worker error', async () => {
    // Act
    const mapping = mapWithConcurrency([1, 2, 3], 2, async (item) => {
      if (item === 2) throw new Error('boom on 2');
      return item;
    });

    // Assess
    await expect(mapping).rejects.toThrow('boom on 2');
  });
});
