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

describe('Function: decidePause, decideWindowResume and decideSelectionResume with other windows holding', () => {
  const entryOf = (state: WindowEntry['state'], overrides: Partial<WindowEntry> = {}): WindowEntry => ({
    campaignId: '34750',
    name: 'Spin wheel',
    before: 'scheduled',
    beforeVendorStatus: 'SCHEDULED',
    state,
    runId: 'run-1',
    updatedAt: '2026-12-28T22:00:00.000Z',
    ...overrides,
  });
  const facts = (status: CampaignStatus, entry: WindowEntry | undefined, holders: CampaignFacts['holders'], window = 'freeze'): CampaignFacts => ({
    ...factsOf({ status, entry: 'none', optOut: false, excluded: false, named: false }),
    entry,
    holders,
    window,
  });
  const nightly = { window: 'nightly', entry: entryOf('paused') };

  it('joins the hold of a window that paused the campaign, copying its before, with no vendor call', () => {
    // Act
    const decision = decidePause(facts('paused', undefined, [nightly]));

    // Assess
    expect(decision).toEqual({
      act: 'none',
      joinHold: nightly,
      reason: 'held with window nightly, which paused it (was scheduled): window freeze holds it too',
    });
  });

  it('joins a holder whose own pause is still pausing (a killed run): the campaign is found paused', () => {
    // Prepare
    const killed = { window: 'nightly', entry: entryOf('pausing') };

    // Act
    const decision = decidePause(facts('paused', undefined, [killed]));

    // Assess
    expect(decision).toMatchObject({ act: 'none', joinHold: killed });
  });

  it('joins the window that paused it rather than one that joined, and names the first window either way', () => {
    // Prepare
    const joined = { window: 'freeze', entry: entryOf('paused', { heldWith: 'nightly' }) };

    // Act
    const preferring = decidePause(facts('paused', undefined, [joined, nightly], 'weekend'));
    const onlyJoined = decidePause(facts('paused', undefined, [joined], 'weekend'));

    // Assess
    expect(preferring.joinHold).toBe(nightly);
    expect(onlyJoined).toMatchObject({ joinHold: joined, reason: expect.stringContaining('held with window freeze, which holds it since window nightly paused it') });
  });

  it('leaves a campaign paused with no open entry of any window: a person paused it, no window holds it', () => {
    // Act
    const decision = decidePause(facts('paused', undefined, []));

    // Assess
    expect(decision.joinHold).toBeUndefined();
    expect(decision.reason).toContain('already paused before window freeze (by a person or another tool)');
  });

  it('a re-run of a window already holding it changes nothing and says who else holds it', () => {
    // Act
    const decision = decidePause(facts('paused', entryOf('paused', { heldWith: 'nightly' }), [nightly]));

    // Assess
    expect(decision).toEqual({ act: 'none', confirmEntry: false, reason: 'already paused by window freeze (also held by window nightly)' });
  });

  it('opt-outs and exclude still win over a hold', () => {
    // Act
    const decision = decidePause({ ...facts('paused', undefined, [nightly]), optOut: OPT_OUT });

    // Assess
    expect(decision).toEqual({ act: 'none', reason: OPT_OUT });
  });

  it('pauses a running campaign itself even if another window has an open entry (a person resumed it during that window)', () => {
    // Act
    const decision = decidePause(facts('running', undefined, [nightly]));

    // Assess
    expect(decision.act).toBe('pause');
    expect(decision.joinHold).toBeUndefined();
  });

  it('a window resuming a campaign another window still holds lets go and leaves it paused', () => {
    // Act
    const decision = decideWindowResume(facts('paused', entryOf('paused'), [{ window: 'freeze', entry: entryOf('paused', { heldWith: 'nightly' }) }], 'nightly'));

    // Assess
    expect(decision).toEqual({ act: 'none', closeEntry: true, reason: 'still held by window freeze: window nightly lets go, left paused' });
  });

  it('names every window still holding it', () => {
    // Act
    const decision = decideWindowResume(
      facts('paused', entryOf('paused'), [{ window: 'freeze', entry: entryOf('paused') }, { window: 'weekend', entry: entryOf('pausing') }], 'nightly'),
    );

    // Assess
    expect(decision.reason).toContain('still held by window freeze, window weekend');
  });

  it('the last window to let go resumes it, saying whose pause it held', () => {
    // Act
    const joined = decideWindowResume(facts('paused', entryOf('paused', { heldWith: 'nightly' }), []));
    const first = decideWindowResume(facts('paused', entryOf('paused'), [], 'nightly'));

    // Assess
    expect(joined).toEqual({ act: 'resume', reason: 'held by window freeze since window nightly paused it (was scheduled), the last to let go: resumed' });
    expect(first).toEqual({ act: 'resume', reason: 'paused by window nightly (was scheduled): resumed' });
  });

  it('what a person did during the windows wins over every hold: running or ended, each window closes its own entry', () => {
    // Act
    const running = decideWindowResume(facts('running', entryOf('paused'), [nightly]));
    const ended = decideWindowResume(facts('ended', entryOf('paused'), [nightly]));

    // Assess
    expect(running).toMatchObject({ act: 'none', closeEntry: true, reason: expect.stringContaining('resumed by someone during window freeze') });
    expect(ended).toMatchObject({ act: 'none', closeEntry: true, reason: expect.stringContaining('ended during window freeze') });
  });

  it('scope "selection" resumes whatever holds it and closes the other windows\' holds', () => {
    // Prepare
    const freeze = { window: 'freeze', entry: entryOf('paused', { heldWith: 'nightly' }) };

    // Act
    const decision = decideSelectionResume(facts('paused', entryOf('paused'), [freeze], 'nightly'));
    const notPaused = decideSelectionResume(facts('running', undefined, [freeze], 'nightly'));

    // Assess
    expect(decision).toEqual({
      act: 'resume',
      closeHolds: [freeze],
      reason: 'paused and selected (scope "selection"): resumed, overriding the hold of window freeze',
    });
    expect(notPaused.closeHolds).toBeUndefined();
  });
});

describe('Function: decideWindowResume after an override', () => {
  it("says who closed the window's hold, and does nothing", () => {
    // Prepare
    const facts: CampaignFacts = {
      ...factsOf({ status: 'running', entry: 'resumed', optOut: false, excluded: false, named: false }),
    };
    const closed = { ...facts, entry: { ...facts.entry!, closedReason: 'resumed by window nightly with scope "selection" (run r-1)' } };

    // Act
    const decision = decideWindowResume(closed);

    // Assess
    expect(decision).toEqual({
      act: 'none',
      reason: `window nightly's hold was closed at 2026-12-28T22:00:00.000Z: resumed by window nightly with scope "selection" (run r-1)`,
    });
  });
});
