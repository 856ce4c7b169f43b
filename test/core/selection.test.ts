import { describe, expect, it } from 'vitest';
import type { Campaign } from '../../functions/core/campaign.js';
import type { Selection } from '../../functions/core/request.js';
import { compileSelection, matchesGlob, optOutReason } from '../../functions/core/selection.js';

const campaign = (overrides: Partial<Campaign> = {}): Campaign => ({
  id: '1000248',
  name: 'Black Friday',
  status: 'running',
  vendorStatus: 'running',
  labels: [],
  ...overrides,
});

const selection = (overrides: Partial<Selection> = {}): Selection => ({ allEnvironments: false, exclude: [], ...overrides });

describe('Function: matchesGlob', () => {
  it.each([
    ['Promo*', 'Promo', true],
    ['Promo*', 'Promo Summer', true],
    ['Promo*', 'Big Promo', false],
    ['*Promo*', 'Big Promo Week', true],
    ['Night ?', 'Night 1', true],
    ['Night ?', 'Night 12', false],
    ['Night ?', 'Night ', false],
    ['v1.2*', 'v1.2 launch', true],
    ['v1.2*', 'v1x2 launch', false],
    ['promo*', 'PROMO WEEK', true],
    ['Black Friday', 'black friday', true],
    ['Black Friday', 'Black Friday 2026', false],
    ['Black Friday', 'The Black Friday', false],
    ['a+b', 'a+b', true],
    ['a+b', 'aab', false],
    ['(x)', '(x)', true],
    ['$5 off', '$5 off', true],
    ['*', '', true],
    ['?', '', false],
    ['a*b*c', 'aXbYbZc', true],
    ['*ab', 'aab', true],
    ['a*', 'b', false],
    ['**', 'anything', true],
    ['a?c*', 'abcdef', true],
    ['a?c*', 'ac', false],
  ])('%j matching %j is %s', (glob, name, expected) => {
    // Act
    const matched = matchesGlob(glob, name);

    // Assess
    expect(matched).toBe(expected);
  });
});

describe('Function: matchesGlob (untrusted globs)', () => {
  it('a name glob with many stars matches in linear time', () => {
    // Prepare: backtracking regular expressions take seconds here (31 s for a 50-letter name).
    const glob = '*a*a*a*a*a*a*a*a*b';
    const names = ['a'.repeat(40), 'a'.repeat(50), 'a'.repeat(1_000)];

    // Act
    const started = performance.now();
    const matched = names.map((name) => matchesGlob(glob, name));
    const elapsedMs = performance.now() - started;

    // Assess
    expect(matched).toEqual([false, false, false]);
    expect(matchesGlob(glob, `${'a'.repeat(50)}b`)).toBe(true);
    expect(elapsedMs).toBeLessThan(100);
  });
});

describe('Function: compileSelection', () => {
  it('matches every campaign when the selection is empty', () => {
    // Prepare
    const compiled = compileSelection(selection(), undefined);

    // Act
    const matched = [campaign(), campaign({ id: '2', name: 'x', environment: 1, labels: ['a'] })].map((c) => compiled.matches(c));

    // Assess
    expect(matched).toEqual([true, true]);
  });

  it('matches only the resolved environment', () => {
    // Prepare
    const compiled = compileSelection(selection({ environment: { game: 'DeltaSlot', name: 'Live' } }), 8756);

    // Act
    const live = compiled.matches(campaign({ environment: 8756 }));
    const dev = compiled.matches(campaign({ environment: 8755 }));
    const none = compiled.matches(campaign());

    // Assess
    expect([live, dev, none]).toEqual([true, false, false]);
  });

  it('matches only the named ids', () => {
    // Prepare
    const compiled = compileSelection(selection({ ids: ['1', '3'] }), undefined);

    // Act
    const matched = ['1', '2', '3', '10'].map((id) => compiled.matches(campaign({ id })));

    // Assess
    expect(matched).toEqual([true, false, true, false]);
  });

  it('matches a name against any of the globs', () => {
    // Prepare
    const compiled = compileSelection(selection({ names: ['Promo*', 'Night ?'] }), undefined);

    // Act
    const matched = ['promo week', 'Night 7', 'Night 77', 'Black Friday'].map((name) => compiled.matches(campaign({ name })));

    // Assess
    expect(matched).toEqual([true, true, false, false]);
  });

  it('matches a campaign carrying any of the labels, exactly', () => {
    // Prepare
    const compiled = compileSelection(selection({ labels: ['night-off', 'weekend'] }), undefined);

    // Act
    const matched = [['night-off'], ['other', 'weekend'], ['Night-Off'], []].map((labels) => compiled.matches(campaign({ labels })));

    // Assess
    expect(matched).toEqual([true, true, false, false]);
  });

  it('combines environment, ids, names and labels with AND', () => {
    // Prepare
    const compiled = compileSelection(selection({ ids: ['1'], names: ['Promo*'], labels: ['night-off'] }), 8756);
    const all = { id: '1', name: 'Promo week', environment: 8756, labels: ['night-off'] };

    // Act
    const matched = {
      all: compiled.matches(campaign(all)),
      otherEnvironment: compiled.matches(campaign({ ...all, environment: 1 })),
      otherId: compiled.matches(campaign({ ...all, id: '2' })),
      otherName: compiled.matches(campaign({ ...all, name: 'Black Friday' })),
      noLabel: compiled.matches(campaign({ ...all, labels: [] })),
    };

    // Assess
    expect(matched).toEqual({ all: true, otherEnvironment: false, otherId: false, otherName: false, noLabel: false });
  });

  it('reports exclusion separately from matching', () => {
    // Prepare
    const compiled = compileSelection(selection({ exclude: ['1000248'] }), undefined);
    const excludedOne = campaign();
    const other = campaign({ id: '1000249' });

    // Act
    const result = {
      excluded: [compiled.excluded(excludedOne), compiled.excluded(other)],
      matches: [compiled.matches(excludedOne), compiled.matches(other)],
    };

    // Assess
    expect(result).toEqual({ excluded: [true, false], matches: [true, true] });
  });

  it('says a campaign is named only when select.ids lists it', () => {
    // Prepare
    const withIds = compileSelection(selection({ ids: ['1000248'] }), undefined);
    const withoutIds = compileSelection(selection({ names: ['*'] }), undefined);

    // Act
    const named = [withIds.named(campaign()), withIds.named(campaign({ id: '7' })), withoutIds.named(campaign())];

    // Assess
    expect(named).toEqual([true, false, false]);
  });
});

describe('Function: optOutReason', () => {
  it.each(['Promo [no-pause]', '[NO-PAUSE] Promo', 'Promo [No-Pause] week'])('opts out %j by its name, in any case', (name) => {
    // Act
    const reason = optOutReason(campaign({ name }));

    // Assess
    expect(reason).toBe('opted out: the name contains [no-pause]');
  });

  it('opts out a campaign labelled campaign-ops:skip', () => {
    // Act
    const reason = optOutReason(campaign({ labels: ['night-off', 'campaign-ops:skip'] }));

    // Assess
    expect(reason).toBe('opted out: labelled campaign-ops:skip');
  });

  it.each([
    ['a name without the brackets', { name: 'Promo no-pause' }],
    ['a name with a different mark', { name: 'Promo [no pause]' }],
    ['a similar label', { labels: ['campaign-ops:skip-later', 'skip'] }],
    ['no mark at all', {}],
  ])('does not opt out %s', (_label, overrides) => {
    // Act
    const reason = optOutReason(campaign(overrides));

    // Assess
    expect(reason).toBeUndefined();
  });
});
