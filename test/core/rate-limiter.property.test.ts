import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WindowedLimiter } from '../../functions/core/rate-limiter.js';

/**
 * Whatever the arrivals, the vendor's windows hold: no interval of a window's length (so no fixed window,
 * whatever its alignment) sees more grants than the window allows, and in-flight never exceeds the bound.
 */
describe('Property: WindowedLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never grants more than a window allows in any interval of its length, nor more than the in-flight bound', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          perShort: fc.integer({ min: 1, max: 6 }),
          shortMs: fc.integer({ min: 50, max: 1_000 }),
          perLong: fc.integer({ min: 3, max: 20 }),
          maxInFlight: fc.integer({ min: 1, max: 8 }),
          // When each request arrives (ms after start) and how long the vendor takes to answer it.
          requests: fc.array(fc.record({ arrival: fc.integer({ min: 0, max: 3_000 }), duration: fc.integer({ min: 0, max: 400 }) }), {
            minLength: 1,
            maxLength: 40,
          }),
        }),
        async ({ perShort, shortMs, perLong, maxInFlight, requests }) => {
          // Prepare
          const start = Date.now();
          const longMs = shortMs * 5;
          const limiter = new WindowedLimiter({
            windows: [
              { limit: perShort, periodMs: shortMs },
              { limit: Math.max(perLong, perShort), periodMs: longMs },
            ],
            maxInFlight,
            marginMs: 0,
          });
          const granted: number[] = [];
          let inFlight = 0;
          let maxSeen = 0;

          // Act
          const done = requests.map(async ({ arrival, duration }) => {
            await new Promise((resolve) => setTimeout(resolve, arrival));
            const release = await limiter.acquire();
            granted.push(Date.now() - start);
            inFlight += 1;
            maxSeen = Math.max(maxSeen, inFlight);
            await new Promise((resolve) => setTimeout(resolve, duration));
            inFlight -= 1;
            release();
          });
          await vi.runAllTimersAsync();
          await Promise.all(done);

          // Assess
          expect(granted).toHaveLength(requests.length);
          expect(maxSeen).toBeLessThanOrEqual(maxInFlight);
          const sorted = [...granted].sort((a, b) => a - b);
          for (const [limit, period] of [
            [perShort, shortMs],
            [Math.max(perLong, perShort), longMs],
          ] as const) {
            for (const t of sorted) expect(sorted.filter((g) => g >= t && g < t + period).length).toBeLessThanOrEqual(limit);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
