/**
 * Chaos: a window's pause and resume against a vendor that fails at random (5xx, resets, 429s, hangs,
 * malformed answers), re-run until each run reports every campaign as wanted. Whatever the faults, the
 * night must converge to the same place: what ran is paused, then given back; what a person paused
 * stays paused; what opted out is never touched.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryWindowStore } from '../../functions/adapters/local/memory.js';
import { WindowedLimiter } from '../../functions/core/rate-limiter.js';
import { parseWindowRequest } from '../../functions/core/request.js';
import { exitCodeOf } from '../../functions/core/result.js';
import { runWindow } from '../../functions/core/window-run.js';
import { OcambaProvider } from '../../functions/providers/ocamba.js';
import type { Fault } from '../../sim/http.js';
import { startOcambaSim, type OcambaSim } from '../../sim/ocamba.js';
import { DEMO_CREDENTIALS, demoOcambaOptions } from '../../sim/seed.js';
import { VENDORS } from '../../functions/providers/index.js';

const REQUEST = { provider: 'ocamba', secret: 'campaign-ops/hood', window: 'nightly', select: { labels: ['night-off'] } };
const MAX_RUNS = 8;
// Generous next to loopback latency, so a busy CI machine's slow answer is not taken for a fault.
const TIMEOUT_MS = 250;
const LATE_MS = 300;

let sim: OcambaSim;
beforeAll(async () => {
  // Limits raised: this test is about faults, the rate limits have their own.
  sim = await startOcambaSim({ ...demoOcambaOptions(), limits: { perSecond: 10_000, perMinute: 100_000, inFlight: 100 } });
});
afterAll(async () => {
  await sim.close();
});

const faultArbitrary: fc.Arbitrary<Fault> = fc.oneof(
  fc.constantFrom(500, 502, 503).map((status) => ({ status, body: { code: status, title: 'Server error.' } })),
  fc.constant({ status: 429, body: { code: 429, title: 'Too many requests.' }, headers: { 'Retry-After': '0' } }),
  fc.constant({ kind: 'reset' as const }),
  fc.constant({ kind: 'hang' as const }),
  fc.constant({ kind: 'malformed' as const }),
  // Answered after the client gave up: the vendor acted, the client never heard. Those still held when a
  // night ends are delivered at once (deliverLateAnswers), so the test never waits LATE_MS out.
  fc.constant({ kind: 'delay' as const, ms: LATE_MS }),
  // The vendor acted, then the connection dropped: the client's retry finds it done already.
  fc.constant({ kind: 'lost' as const }),
);

const ruleArbitrary = fc.record({
  method: fc.constantFrom('GET', 'POST'),
  path: fc.constantFrom<RegExp | undefined>(/\/pause$/, /\/resume$/, /^\/v1\/hood\/campaigns$/, /\/1000248$/, /\/100024[1-4]/, undefined),
  times: fc.integer({ min: 1, max: 4 }),
  after: fc.integer({ min: 0, max: 6 }),
  fault: faultArbitrary,
});

describe('Chaos: a night against a failing vendor', () => {
  it('converges: the window pauses what ran, gives back exactly that, and leaves people and opt-outs alone', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(ruleArbitrary, { maxLength: 6 }), fc.array(ruleArbitrary, { maxLength: 6 }), async (pauseFaults, resumeFaults) => {
        // Prepare: a fresh account and window state for every night, once the last night's late answers
        // (delayed past the client's timeout, then acted on by the vendor) have all landed.
        await sim.deliverLateAnswers();
        for (const c of demoOcambaOptions().campaigns) sim.setStatus(c.id, c.status);
        sim.clearFaults();
        sim.resetRequests();
        const before = new Map(sim.campaigns().map((c) => [c.id, c.status]));
        const store = new MemoryWindowStore();
        const provider = new OcambaProvider({
          credentials: { token: DEMO_CREDENTIALS.ocamba.token, baseUrl: sim.url },
          limiter: new WindowedLimiter({ maxInFlight: 10 }),
          retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
          timeoutMs: TIMEOUT_MS,
        });
        const night = async (action: 'pause' | 'resume', faults: typeof pauseFaults): Promise<number> => {
          for (const rule of faults) sim.inject(rule);
          for (let run = 1; run <= MAX_RUNS; run += 1) {
            if (run === 3) sim.clearFaults(); // the vendor recovers; the window must then converge
            try {
              const result = await runWindow(parseWindowRequest(REQUEST, action, VENDORS), { provider, store, runId: `${action}-${run}` });
              if (exitCodeOf(result) === 0) return run;
            } catch {
              // The listing itself failed: the Scheduler would retry the whole run.
            }
          }
          throw new Error(`${action} did not converge in ${MAX_RUNS} runs`);
        };

        // Act
        await night('pause', pauseFaults);
        // The night passes: answers the client gave up on land at the vendor (at once, not after LATE_MS).
        await sim.deliverLateAnswers();
        const atNight = new Map(sim.campaigns().map((c) => [c.id, c.status]));
        await night('resume', resumeFaults);
        const inTheMorning = new Map(sim.campaigns().map((c) => [c.id, c.status]));

        // Assess: at night every labelled campaign that ran or was scheduled is paused...
        for (const id of ['1000241', '1000242', '1000244', '1000248']) expect(atNight.get(id)).toBe('paused');
        // ...in the morning each is back as it was, the person's pause stands, and the opt-out was never touched.
        for (const id of ['1000241', '1000242', '1000244', '1000248']) expect(inTheMorning.get(id)).toBe(before.get(id));
        expect(inTheMorning.get('1000247')).toBe('paused');
        expect(sim.requests.filter((r) => r.method === 'POST' && r.path.includes('/1000249/'))).toEqual([]);
        expect(sim.requests.filter((r) => r.method === 'POST' && r.path.includes('/1000247/'))).toEqual([]);
        // Campaigns outside the selection stay as they were.
        for (const id of ['1000243', '1000245', '1000246', '1000250']) expect(inTheMorning.get(id)).toBe(before.get(id));
      }),
      { numRuns: 20 },
    );
  }, 180_000);
});
