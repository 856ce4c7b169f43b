import { describe, expect, it } from 'vitest';
import { emptySummary, exitCodeOf, summarize, type CampaignOutcome, type Summary } from '../../functions/core/result.js';

const outcome = (id: string, kind: CampaignOutcome['outcome']): CampaignOutcome => ({
  id,
  name: `Campaign ${id}`,
  before: 'running',
  after: 'paused',
  outcome: kind,
  detail: kind === 'changed' ? '' : 'why',
});

describe('Function: summarize', () => {
  it('counts every campaign once, under its outcome', () => {
    // Prepare
    const campaigns = [
      outcome('1', 'changed'),
      outcome('2', 'changed'),
      outcome('3', 'unchanged'),
      outcome('4', 'rejected'),
      outcome('5', 'failed'),
      outcome('6', 'planned'),
    ];

    // Act
    const summary = summarize(campaigns);

    // Assess
    expect(summary).toEqual({ selected: 6, planned: 1, changed: 2, unchanged: 1, rejected: 1, failed: 1 });
  });

  it('gives all zeroes for no campaigns', () => {
    // Act
    const summary = summarize([]);

    // Assess
    expect(summary).toEqual(emptySummary());
    expect(Object.values(summary).every((n) => n === 0)).toBe(true);
  });
});

describe('Function: exitCodeOf', () => {
  const summary = (counts: Partial<Summary>): Summary => ({ ...emptySummary(), ...counts });

  it.each([
    ['everything as wanted', summary({ selected: 3, changed: 2, unchanged: 1 }), undefined, 0],
    ['a dry run', summary({ selected: 2, planned: 2 }), undefined, 0],
    ['nothing selected', summary({}), undefined, 0],
    ['a rejected campaign', summary({ selected: 2, changed: 1, rejected: 1 }), undefined, 1],
    ['a failed campaign', summary({ selected: 2, changed: 1, failed: 1 }), undefined, 1],
    ['a run that stopped early', summary({}), 'listing failed', 1],
  ] as const)('is %s → %i', (_label, counts, error, expected) => {
    // Act
    const code = exitCodeOf({ summary: counts, ...(error !== undefined ? { error } : {}) });

    // Assess
    expect(code).toBe(expected);
  });
});
