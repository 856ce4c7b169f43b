import { describe, expect, it } from 'vitest';
import { CampaignStatus, type Campaign } from '../../functions/core/campaign.js';
import {
  decidePause,
  decideSelectionResume,
  decideWindowResume,
  isOpen,
  type CampaignFacts,
  type Decision,
} from '../../functions/core/plan.js';
import type { WindowEntry } from '../../functions/core/ports.js';

const STATUSES = Object.values(CampaignStatus);
const ENTRY_STATES = ['none', 'pausing', 'paused', 'resumed'] as const;
type EntryState = (typeof ENTRY_STATES)[number];

const OPT_OUT = 'opted out: labelled campaign-ops:skip';

interface Case {
  readonly status: CampaignStatus;
  readonly entry: EntryState;
  readonly optOut: boolean;
  readonly excluded: boolean;
  readonly named: boolean;
}

/** Every status × entry state × opt-out/excluded/named combination. */
const ALL_CASES: Case[] = STATUSES.flatMap((status) =>
  ENTRY_STATES.flatMap((entry) =>
    [false, true].flatMap((optOut) =>
      [false, true].flatMap((excluded) => [false, true].map((named) => ({ status, entry, optOut, excluded, named }))),
    ),
  ),
);

const label = (c: Case): string =>
  `${c.status}, entry ${c.entry}${c.optOut ? ', opted out' : ''}${c.excluded ? ', excluded' : ''}${c.named ? ', named' : ''}`;

const factsOf = (c: Case): CampaignFacts => {
  const campaign: Campaign = { id: '34750', name: 'Spin wheel', status: c.status, vendorStatus: `V_${c.status}`, labels: [] };
  const entry: WindowEntry | undefined =
    c.entry === 'none'
      ? undefined
      : {
          campaignId: '34750',
          name: 'Spin wheel',
          before: 'scheduled',
          beforeVendorStatus: 'SCHEDULED',
          state: c.entry,
          runId: 'run-1',
          updatedAt: '2026-12-28T22:00:00.000Z',
        };
  return { campaign, entry, optOut: c.optOut ? OPT_OUT : undefined, excluded: c.excluded, named: c.named, window: 'nightly', holders: [] };
};

/** What the operator expects, written as the documented rules (docs/contracts.md) rather than as the code's branches. */
interface Expected {
  readonly act: Decision['act'];
  readonly reason: readonly (string | RegExp)[];
  readonly failed?: boolean;
  readonly closeEntry?: boolean;
  readonly confirmEntry?: boolean;
}

const open = (c: Case): boolean => c.entry === 'pausing' || c.entry === 'paused';

const expectedPause = (c: Case): Expected => {
  if (c.optOut) return { act: 'none', reason: [OPT_OUT] };
  if (c.excluded) return { act: 'none', reason: ['excluded by select.exclude'] };
  switch (c.status) {
    case 'running':
    case 'scheduled':
      return { act: 'pause', reason: [c.status, 'nightly'] };
    case 'paused':
      return open(c)
        ? { act: 'none', reason: ['already paused by window nightly'], confirmEntry: c.entry === 'pausing' }
        : { act: 'none', reason: ['before window nightly', 'will not resume it'] };
    case 'draft':
      return c.named ? { act: 'pause', reason: ['draft', 'select.ids'] } : { act: 'none', reason: ['draft', 'nothing to pause'] };
    case 'ended':
      return c.named ? { act: 'pause', reason: ['ended', 'select.ids'] } : { act: 'none', reason: ['ended (V_ended)', 'nothing to pause'] };
    default:
      return { act: 'none', failed: true, reason: ['unknown vendor status "V_unknown"', 'not touched'] };
  }
};

const expectedWindowResume = (c: Case): Expected => {
  if (c.entry === 'none') return { act: 'none', reason: ['not paused by window nightly', 'not ours'] };
  if (c.entry === 'resumed') return { act: 'none', reason: ['already resumed by window nightly at 2026-12-28T22:00:00.000Z'] };
  if (c.optOut) return { act: 'none', reason: [OPT_OUT, 'left paused'] };
  if (c.excluded) return { act: 'none', reason: ['excluded by select.exclude', 'left paused'] };
  switch (c.status) {
    case 'paused':
      return { act: 'resume', reason: ['paused by window nightly', 'was scheduled'] };
    case 'running':
    case 'scheduled':
      return c.entry === 'pausing'
        ? { act: 'none', closeEntry: true, reason: ['never took effect', `V_${c.status}`] }
        : { act: 'none', closeEntry: true, reason: ['resumed by someone during window nightly', `V_${c.status}`] };
    case 'ended':
      return { act: 'none', closeEntry: true, reason: ['ended during window nightly', 'V_ended'] };
    case 'draft':
      return { act: 'none', closeEntry: true, reason: ['back to draft during window nightly'] };
    default:
      return { act: 'none', failed: true, reason: ['unknown vendor status "V_unknown"'] };
  }
};

const expectedSelectionResume = (c: Case): Expected => {
  if (c.optOut) return { act: 'none', reason: [OPT_OUT] };
  if (c.excluded) return { act: 'none', reason: ['excluded by select.exclude'] };
  switch (c.status) {
    case 'paused':
      return { act: 'resume', reason: ['scope "selection"'] };
    case 'unknown':
      return { act: 'none', failed: true, reason: ['unknown vendor status "V_unknown"'] };
    default:
      return { act: 'none', closeEntry: open(c), reason: [`not paused (V_${c.status})`, 'nothing to resume'] };
  }
};

const assessDecision = (decision: Decision, expected: Expected): void => {
  expect(decision.act).toBe(expected.act);
  for (const part of expected.reason) {
    if (typeof part === 'string') expect(decision.reason).toContain(part);
    else expect(decision.reason).toMatch(part);
  }
  expect(Boolean(decision.failed)).toBe(Boolean(expected.failed));
  expect(Boolean(decision.closeEntry)).toBe(Boolean(expected.closeEntry));
  expect(Boolean(decision.confirmEntry)).toBe(Boolean(expected.confirmEntry));
  // Flags describe a decision not to act; an action never carries them.
  if (decision.act !== 'none') expect([decision.failed, decision.closeEntry, decision.confirmEntry].some(Boolean)).toBe(false);
};

describe('Function: decidePause', () => {
  it.each(ALL_CASES.map((c) => [label(c), c] as const))('%s', (_label, c) => {
    // Prepare
    const facts = factsOf(c);

    // Act
    const decision = decidePause(facts);

    // Assess
    assessDecision(decision, expectedPause(c));
  });

  it('pauses exactly the running and scheduled campaigns, plus named drafts and ended ones, when nothing protects them', () => {
    // Prepare
    const unprotected = ALL_CASES.filter((c) => !c.optOut && !c.excluded);

    // Act
    const paused = unprotected.filter((c) => decidePause(factsOf(c)).act === 'pause');

    // Assess
    expect(new Set(paused.map((c) => `${c.status}${c.named ? '+named' : ''}`))).toEqual(
      new Set(['running', 'running+named', 'scheduled', 'scheduled+named', 'draft+named', 'ended+named']),
    );
  });
});

describe('Function: decideWindowResume', () => {
  it.each(ALL_CASES.map((c) => [label(c), c] as const))('%s', (_label, c) => {
    // Prepare
    const facts = factsOf(c);

    // Act
    const decision = decideWindowResume(facts);

    // Assess
    assessDecision(decision, expectedWindowResume(c));
  });

  it('resumes only campaigns this window paused and that are still paused', () => {
    // Act
    const resumed = ALL_CASES.filter((c) => decideWindowResume(factsOf(c)).act === 'resume');

    // Assess
    expect(resumed.every((c) => c.status === 'paused' && open(c) && !c.optOut && !c.excluded)).toBe(true);
    expect(resumed).toHaveLength(2 /* pausing, paused */ * 2 /* named or not */);
  });
});

describe('Function: decideSelectionResume', () => {
  it.each(ALL_CASES.map((c) => [label(c), c] as const))('%s', (_label, c) => {
    // Prepare
    const facts = factsOf(c);

    // Act
    const decision = decideSelectionResume(facts);

    // Assess
    assessDecision(decision, expectedSelectionResume(c));
  });

  it('resumes a paused campaign whoever paused it', () => {
    // Prepare
    const pausedByAPerson = factsOf({ status: 'paused', entry: 'none', optOut: false, excluded: false, named: false });

    // Act
    const decision = decideSelectionResume(pausedByAPerson);

    // Assess
    expect(decision.act).toBe('resume');
  });
});

describe('Function: isOpen', () => {
  it.each([
    ['no entry', 'none', false],
    ['a pausing entry', 'pausing', true],
    ['a paused entry', 'paused', true],
    ['a resumed entry', 'resumed', false],
  ] as const)('%s is %s', (_label, state, expected) => {
    // Prepare
    const { entry } = factsOf({ status: 'paused', entry: state, optOut: false, excluded: false, named: false });

    // Act
    const result = isOpen(entry);

    // Assess
    expect(result).toBe(expected);
  });
});
