import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trimDetail } from '../../functions/adapters/aws/eventbridge-publisher.js';

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Any result, any limit it can fit in: trimmed under the limit, counts whole, a prefix of each list kept. */
describe('Property: trimDetail', () => {
  it('fits the limit, keeps the summary, keeps a prefix of every list and counts what it dropped', () => {
    const campaign = fc.record({ id: fc.string({ maxLength: 12 }), name: fc.string({ maxLength: 80 }), detail: fc.string({ maxLength: 200 }) });
    fc.assert(
      fc.property(
        fc.record({
          summary: fc.record({ selected: fc.nat(), changed: fc.nat(), failed: fc.nat() }),
          campaigns: fc.array(campaign, { maxLength: 120 }),
          requests: fc.array(fc.record({ index: fc.nat(), detail: fc.string({ maxLength: 100 }) }), { maxLength: 60 }),
        }),
        fc.integer({ min: 400, max: 40_000 }),
        (detail, maxBytes) => {
          // Act
          const trimmed = trimDetail(detail, maxBytes) as typeof detail & { truncated?: Record<string, number> };

          // Assess
          expect(bytes(trimmed)).toBeLessThanOrEqual(maxBytes);
          expect(trimmed.summary).toEqual(detail.summary);
          for (const field of ['campaigns', 'requests'] as const) {
            const kept = trimmed[field];
            expect(kept).toEqual(detail[field].slice(0, kept.length));
            expect(kept.length + (trimmed.truncated?.[field] ?? 0)).toBe(detail[field].length);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
