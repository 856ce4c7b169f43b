import { describe, expect, it } from 'vitest';
import { InvalidRequestError, type FieldIssue } from '../../functions/core/errors.js';
import { parseWindowRequest } from '../../functions/core/request.js';
import { unwrapEnvelope } from '../../functions/core/validation.js';
import { VENDORS } from '../../functions/providers/index.js';

const OCAMBA = { provider: 'ocamba', secret: 'campaign-ops/hood', window: 'nightly' } as const;
const DELTADNA = { provider: 'deltadna', secret: 'campaign-ops/deltaslot-live', window: 'nightly', select: { environment: 8756 } } as const;

/** Runs the parser expecting a refusal and returns every issue it reported. */
const issuesOf = (input: unknown, action: 'pause' | 'resume' = 'pause'): FieldIssue[] => {
  try {
    parseWindowRequest(input, action, VENDORS);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return [...(error as InvalidRequestError).issues];
  }
  throw new Error('expected an InvalidRequestError');
};

const fieldsOf = (input: unknown, action: 'pause' | 'resume' = 'pause'): string[] => issuesOf(input, action).map((i) => i.field);

describe('Function: unwrapEnvelope', () => {
  it('returns the detail of an EventBridge event', () => {
    // Prepare
    const event = { version: '0', 'detail-type': 'Pause Requested', source: 'live-ops.console', detail: { window: 'nightly' } };

    // Act
    const unwrapped = unwrapEnvelope(event);

    // Assess
    expect(unwrapped).toEqual({ window: 'nightly' });
  });

  it.each([
    ['a direct request', { provider: 'ocamba', detail: 'x' }],
    ['an object with detail-type but no detail', { 'detail-type': 'X' }],
    ['a string', 'pause'],
    ['null', null],
    ['an array', [{ 'detail-type': 'X', detail: {} }]],
  ])('returns %s as it is', (_label, input) => {
    // Act
    const unwrapped = unwrapEnvelope(input);

    // Assess
    expect(unwrapped).toBe(input);
  });
});

describe('Function: parseWindowRequest', () => {
  describe('valid forms', () => {
    it('reads a direct payload and fills the defaults', () => {
      // Act
      const request = parseWindowRequest({ ...OCAMBA }, 'pause', VENDORS);

      // Assess
      expect(request).toEqual({
        action: 'pause',
        provider: 'ocamba',
        secret: 'campaign-ops/hood',
        window: 'nightly',
        select: { allEnvironments: false, exclude: [] },
        dryRun: false,
        scope: 'window',
      });
      expect(request).not.toHaveProperty('reason');
    });

    it('reads the documented example (docs/contracts.md) in full', () => {
      // Prepare
      const input = {
        provider: 'deltadna',
        secret: 'campaign-ops/deltaslot-live',
        window: 'nightly',
        select: { environment: 8756, ids: ['34751'], names: ['Promo*'], exclude: ['1000248'] },
        reason: 'Overnight maintenance',
        dryRun: true,
        scope: 'selection',
      };

      // Act
      const request = parseWindowRequest(input, 'resume', VENDORS);

      // Assess
      expect(request).toEqual({
        action: 'resume',
        provider: 'deltadna',
        secret: 'campaign-ops/deltaslot-live',
        window: 'nightly',
        select: { environment: { id: 8756 }, allEnvironments: false, ids: ['34751'], names: ['Promo*'], exclude: ['1000248'] },
        reason: 'Overnight maintenance',
        dryRun: true,
        scope: 'selection',
      });
    });

    it('reads EventBridge Scheduler input, which is the request as it is, including its action', () => {
      // Prepare
      const schedulerInput = { ...DELTADNA, action: 'pause', reason: 'Nightly' };

      // Act
      const request = parseWindowRequest(schedulerInput, 'pause', VENDORS);

      // Assess
      expect(request).toMatchObject({ action: 'pause', provider: 'deltadna', reason: 'Nightly', select: { environment: { id: 8756 } } });
    });

    it('reads the request out of an EventBridge envelope', () => {
      // Prepare
      const event = {
        version: '0',
        id: 'c3a85e0f',
        'detail-type': 'Pause Requested',
        source: 'live-ops.console',
        account: '123456789012',
        time: '2026-11-28T08:00:00Z',
        region: 'eu-central-1',
        resources: [],
        detail: { ...DELTADNA, dryRun: true },
      };

      // Act
      const request = parseWindowRequest(event, 'pause', VENDORS);

      // Assess
      expect(request).toMatchObject({ provider: 'deltadna', window: 'nightly', dryRun: true, select: { environment: { id: 8756 } } });
      expect(request.at).toBe('2026-11-28T08:00:00.000Z');
    });

    it('names the detail fields, not the envelope, when the envelope holds a bad request', () => {
      // Prepare
      const event = { 'detail-type': 'Maintenance Started', source: 'release-pipeline', detail: { window: 'nightly', release: '2026.12.3' } };

      // Act
      const fields = fieldsOf(event);

      // Assess
      expect(fields).toEqual(expect.arrayContaining(['release', 'provider', 'secret']));
      expect(fields).not.toContain('detail-type');
    });

    it('accepts a Secrets Manager ARN as the secret', () => {
      // Prepare
      const arn = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:campaign-ops/hood-AbCdEf';

      // Act
      const request = parseWindowRequest({ ...OCAMBA, secret: arn }, 'pause', VENDORS);

      // Assess
      expect(request.secret).toBe(arn);
    });

    it('drops a reason that is only whitespace', () => {
      // Act
      const request = parseWindowRequest({ ...OCAMBA, reason: '   ' }, 'pause', VENDORS);

      // Assess
      expect(request).not.toHaveProperty('reason');
    });
  });

  describe('select.environment', () => {
    it.each([
      ['an id', 8756, { id: 8756 }],
      ['a numeric string', '8756', { id: 8756 }],
      ['a numeric string with spaces', ' 8756 ', { id: 8756 }],
      ['"Game/Environment"', 'DeltaSlot/Live', { game: 'DeltaSlot', name: 'Live' }],
      ['"Game / Environment" with spaces', ' DeltaSlot / Live ', { game: 'DeltaSlot', name: 'Live' }],
    ])('accepts %s', (_label, environment, expected) => {
      // Act
      const request = parseWindowRequest({ ...DELTADNA, select: { environment } }, 'pause', VENDORS);

      // Assess
      expect(request.select.environment).toEqual(expected);
      expect(request.select.allEnvironments).toBe(false);
    });

    it('accepts allEnvironments instead of an environment', () => {
      // Act
      const request = parseWindowRequest({ ...DELTADNA, select: { allEnvironments: true } }, 'pause', VENDORS);

      // Assess
      expect(request.select.allEnvironments).toBe(true);
      expect(request.select).not.toHaveProperty('environment');
    });

    it.each([
      ['zero', 0],
      ['a negative id', -3],
      ['a fraction', 87.5],
      ['a name without a game', 'Live'],
      ['a game without a name', 'DeltaSlot/'],
      ['an environment without a game', '/Live'],
      ['three parts', 'DeltaSlot/Live/Extra'],
      ['an empty string', ''],
      ['a boolean', true],
      ['an object', { id: 8756 }],
    ])('refuses %s, naming select.environment', (_label, environment) => {
      // Act
      const issues = issuesOf({ ...DELTADNA, select: { environment } });

      // Assess
      expect(issues).toEqual([{ field: 'select.environment', problem: expect.stringContaining('environment id') }]);
    });

    it('requires an environment or allEnvironments for deltadna', () => {
      // Act
      const issues = issuesOf({ ...DELTADNA, select: {} });

      // Assess
      expect(issues).toEqual([{ field: 'select.environment', problem: expect.stringContaining('allEnvironments') }]);
    });

    it('requires an environment for deltadna when select is absent altogether', () => {
      // Act
      const fields = fieldsOf({ provider: 'deltadna', secret: 'campaign-ops/d', window: 'nightly' });

      // Assess
      expect(fields).toEqual(['select.environment']);
    });

    it('requires an environment for deltadna when allEnvironments is false', () => {
      // Act
      const fields = fieldsOf({ ...DELTADNA, select: { allEnvironments: false } });

      // Assess
      expect(fields).toEqual(['select.environment']);
    });

    it('refuses an environment together with allEnvironments', () => {
      // Act
      const issues = issuesOf({ ...DELTADNA, select: { environment: 8756, allEnvironments: true } });

      // Assess
      expect(issues).toEqual([{ field: 'select.allEnvironments', problem: expect.stringContaining('cannot be true') }]);
    });

    it('refuses allEnvironments that is not a boolean', () => {
      // Act
      const issues = issuesOf({ ...DELTADNA, select: { environment: 8756, allEnvironments: 'yes' } });

      // Assess
      expect(issues).toEqual([{ field: 'select.allEnvironments', problem: expect.stringContaining('true or false') }]);
    });

    it('refuses environments and allEnvironments for ocamba', () => {
      // Act
      const fields = fieldsOf({ ...OCAMBA, select: { environment: 8756, allEnvironments: true } });

      // Assess
      expect(fields.sort()).toEqual(['select.allEnvironments', 'select.environment']);
    });

    it('refuses labels for deltadna', () => {
      // Act
      const issues = issuesOf({ ...DELTADNA, select: { environment: 8756, labels: ['night-off'] } });

      // Assess
      expect(issues).toEqual([{ field: 'select.labels', problem: expect.stringContaining('ocamba') }]);
    });
  });

  describe('secret', () => {
    it('accepts a full ARN and refuses a partial one, whose name could not be told from its suffix', () => {
      // Act
      const full = parseWindowRequest({ ...OCAMBA, secret: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:campaign-ops/hood-Ab12Cd' }, 'pause', VENDORS);
      const issues = issuesOf({ ...OCAMBA, secret: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:campaign-ops/hood' });

      // Assess
      expect(full.secret).toBe('arn:aws:secretsmanager:eu-west-1:123456789012:secret:campaign-ops/hood-Ab12Cd');
      expect(issues).toEqual([{ field: 'secret', problem: expect.stringContaining('full secret ARN') }]);
    });
  });

  describe('select.kind', () => {
    it.each(['event-triggered', 'decision-point', 'all'])('a deltaDNA window may select %s campaigns', (kind) => {
      // Act
      const request = parseWindowRequest({ ...DELTADNA, select: { ...DELTADNA.select, kind } }, 'pause', VENDORS);

      // Assess
      expect(request.select.kind).toBe(kind);
    });

    it('leaves the kind out when the request does (the vendor default, event-triggered, applies)', () => {
      // Act
      const request = parseWindowRequest(DELTADNA, 'pause', VENDORS);

      // Assess
      expect(request.select.kind).toBeUndefined();
    });

    it.each([
      ['an unknown kind', { ...DELTADNA, select: { ...DELTADNA.select, kind: 'Decision-Point' } }, 'must be one of: "event-triggered", "decision-point", "all" (default "event-triggered")'],
      ['a kind that is not text', { ...DELTADNA, select: { ...DELTADNA.select, kind: 2 } }, 'must be one of'],
      ['any kind for a vendor with one', { ...OCAMBA, select: { kind: 'event-triggered' } }, 'ocamba has one kind of campaign (kind is a selection of deltadna)'],
    ])('refuses %s, naming select.kind', (_label, input, problem) => {
      // Act
      const issues = issuesOf(input);

      // Assess
      expect(issues).toEqual([{ field: 'select.kind', problem: expect.stringContaining(problem) }]);
    });
  });

  describe('select lists', () => {
    it('turns numeric ids and excludes into strings and trims them', () => {
      // Act
      const request = parseWindowRequest({ ...OCAMBA, select: { ids: [1000248, ' 1000249 '], exclude: [34749] } }, 'pause', VENDORS);

      // Assess
      expect(request.select.ids).toEqual(['1000248', '1000249']);
      expect(request.select.exclude).toEqual(['34749']);
    });

    it('keeps names (globs with literal dots included) and labels as given', () => {
      // Act
      const request = parseWindowRequest({ ...OCAMBA, select: { names: ['Promo*', 'Night ?', 'v1.2*'], labels: ['night-off'] } }, 'pause', VENDORS);

      // Assess
      expect(request.select).toEqual({ allEnvironments: false, names: ['Promo*', 'Night ?', 'v1.2*'], labels: ['night-off'], exclude: [] });
    });

    it.each([
      ['select.ids', { ids: '1000248' }, 'select.ids'],
      ['an empty id', { ids: [''] }, 'select.ids[0]'],
      ['a fractional id', { ids: ['1', 2.5] }, 'select.ids[1]'],
      ['a null id', { ids: [null] }, 'select.ids[0]'],
      ['select.names', { names: 'Promo*' }, 'select.names'],
      ['a numeric name', { names: ['ok', 5] }, 'select.names[1]'],
      ['select.labels', { labels: {} }, 'select.labels'],
      ['a numeric label', { labels: [7] }, 'select.labels[0]'],
      ['select.exclude', { exclude: 1000248 }, 'select.exclude'],
      ['a blank exclude', { exclude: ['  '] }, 'select.exclude[0]'],
    ])('refuses a bad %s, naming the field', (_label, select, field) => {
      // Act
      const fields = fieldsOf({ ...OCAMBA, select });

      // Assess
      expect(fields).toEqual([field]);
    });

    it.each(['^Promo', 'Promo$', '(Promo)', 'Promo|Sale', 'Promo[12]', 'Promo{2}', 'Promo+', 'Promo\\d'])(
      'refuses the regular expression %s as a name glob',
      (glob) => {
        // Act
        const issues = issuesOf({ ...OCAMBA, select: { names: ['Fine*', glob] } });

        // Assess
        expect(issues).toEqual([{ field: 'select.names[1]', problem: expect.stringContaining('glob') }]);
      },
    );

    it('refuses select that is not an object', () => {
      // Act
      const issues = issuesOf({ ...OCAMBA, select: ['1000248'] });

      // Assess
      expect(issues).toEqual([{ field: 'select', problem: 'must be an object, got an array' }]);
    });

    it('refuses unknown fields of select', () => {
      // Act
      const issues = issuesOf({ ...OCAMBA, select: { id: ['1'], label: ['x'] } });

      // Assess
      expect(issues.map((i) => i.field)).toEqual(['select.id', 'select.label']);
      expect(issues[0]?.problem).toContain('unknown field');
    });
  });

  describe('top-level fields', () => {
    it.each(['provider', 'secret', 'window'] as const)('requires %s', (field) => {
      // Prepare
      const input: Record<string, unknown> = { ...OCAMBA };
      delete input[field];

      // Act
      const issues = issuesOf(input);

      // Assess
      expect(issues).toEqual([{ field, problem: expect.stringContaining('is required') }]);
    });

    it.each([
      ['an unknown provider', { provider: 'braze' }, 'provider', 'must be one of: deltadna, ocamba'],
      ['a provider that is not a string', { provider: 1 }, 'provider', 'must be one of'],
      ['a provider in capitals', { provider: 'OCAMBA' }, 'provider', 'must be one of'],
      ['an empty secret', { secret: '' }, 'secret', 'secret name'],
      ['a secret with spaces', { secret: 'campaign ops' }, 'secret', 'secret name'],
      ['a secret that is not a string', { secret: 42 }, 'secret', 'secret name'],
      ['an empty window', { window: '' }, 'window', '1-64'],
      ['a window starting with a dot', { window: '.nightly' }, 'window', '1-64'],
      ['a window with a slash', { window: 'night/ly' }, 'window', '1-64'],
      ['a window of 65 characters', { window: 'w'.repeat(65) }, 'window', '1-64'],
      ['a window that is not a string', { window: 7 }, 'window', '1-64'],
      ['a reason that is not a string', { reason: 5 }, 'reason', 'at most 500'],
      ['a reason over 500 characters', { reason: 'r'.repeat(501) }, 'reason', 'at most 500'],
      ['a dryRun that is a string', { dryRun: 'true' }, 'dryRun', 'true or false'],
    ])('refuses %s, naming the field', (_label, override, field, problem) => {
      // Act
      const issues = issuesOf({ ...OCAMBA, ...override });

      // Assess
      expect(issues).toEqual([{ field, problem: expect.stringContaining(problem) }]);
    });

    it('accepts a window of 64 characters and a reason of 500', () => {
      // Act
      const request = parseWindowRequest({ ...OCAMBA, window: `a${'-'.repeat(63)}`, reason: 'r'.repeat(500) }, 'pause', VENDORS);

      // Assess
      expect(request.window).toHaveLength(64);
      expect(request.reason).toHaveLength(500);
    });

    it('refuses kahuna: its campaigns are populated, not paused', () => {
      // Act
      const issues = issuesOf({ ...OCAMBA, provider: 'kahuna' });

      // Assess
      expect(issues).toEqual([{ field: 'provider', problem: expect.stringContaining('populate') }]);
    });

    it('refuses unknown top-level fields, such as a typo of dryRun', () => {
      // Act
      const issues = issuesOf({ ...OCAMBA, dryrun: true });

      // Assess
      expect(issues).toEqual([{ field: 'dryrun', problem: expect.stringContaining('unknown field') }]);
    });

    it.each([
      ['a string', 'pause'],
      ['null', null],
      ['an array', [OCAMBA]],
      ['a number', 7],
      ['undefined', undefined],
    ])('refuses a request that is %s, and only says so', (_label, input) => {
      // Act
      const issues = issuesOf(input);

      // Assess
      expect(issues).toEqual([{ field: '(request)', problem: expect.stringMatching(/^must be a JSON object, got /) }]);
    });
  });

  describe('action and scope', () => {
    it('refuses a request whose action is another one', () => {
      // Act
      const issues = issuesOf({ ...OCAMBA, action: 'resume' }, 'pause');

      // Assess
      expect(issues).toEqual([{ field: 'action', problem: 'says "resume" but this is a pause' }]);
    });

    it('accepts a request whose action is this one', () => {
      // Act
      const request = parseWindowRequest({ ...OCAMBA, action: 'resume' }, 'resume', VENDORS);

      // Assess
      expect(request.action).toBe('resume');
    });

    it.each(['window', 'selection'] as const)('reads scope %s for resume', (scope) => {
      // Act
      const request = parseWindowRequest({ ...OCAMBA, scope }, 'resume', VENDORS);

      // Assess
      expect(request.scope).toBe(scope);
    });

    it('defaults scope to window for resume', () => {
      // Act
      const request = parseWindowRequest({ ...OCAMBA }, 'resume', VENDORS);

      // Assess
      expect(request.scope).toBe('window');
    });

    it('refuses scope on a pause, even a valid one', () => {
      // Act
      const issues = issuesOf({ ...OCAMBA, scope: 'window' }, 'pause');

      // Assess
      expect(issues).toEqual([{ field: 'scope', problem: 'applies to resume only' }]);
    });

    it('refuses an unknown scope on a resume', () => {
      // Act
      const issues = issuesOf({ ...OCAMBA, scope: 'all' }, 'resume');

      // Assess
      expect(issues).toEqual([{ field: 'scope', problem: expect.stringContaining('"all"') }]);
    });
  });

  it('reports every problem at once, in one error naming each field', () => {
    // Prepare
    const input = {
      provider: 'deltadna',
      secret: 'bad secret',
      window: '',
      select: { ids: 'x', names: ['a|b'], labels: ['l'], extra: 1 },
      reason: 3,
      dryRun: 'no',
      scope: 'window',
      action: 'resume',
      colour: 'blue',
    };

    // Act
    let error: unknown;
    try {
      parseWindowRequest(input, 'pause', VENDORS);
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(InvalidRequestError);
    const issues = (error as InvalidRequestError).issues;
    expect(issues.map((i) => i.field).sort()).toEqual(
      [
        'colour',
        'action',
        'secret',
        'window',
        'select.extra',
        'select.ids',
        'select.names[0]',
        'select.environment',
        'select.labels',
        'reason',
        'dryRun',
        'scope',
      ].sort(),
    );
    for (const issue of issues) expect((error as Error).message).toContain(`${issue.field}: ${issue.problem}`);
    expect((error as InvalidRequestError).retryable).toBe(false);
  });
});

describe('Function: parseWindowRequest (when the run was meant to happen: at)', () => {
  const NOW = new Date('2026-12-01T22:00:00Z');
  const now = () => NOW;
  const envelope = (detail: object, time: unknown) => ({ version: '0', 'detail-type': 'Maintenance Started', source: 'release-pipeline', time, detail });
  const refusal = (input: unknown): FieldIssue[] => {
    try {
      parseWindowRequest(input, 'pause', VENDORS, { now });
    } catch (error) {
      return [...(error as InvalidRequestError).issues];
    }
    throw new Error('expected an InvalidRequestError');
  };

  it('reads an explicit at with any zone, normalized to UTC', () => {
    // Act
    const request = parseWindowRequest({ ...OCAMBA, at: '2026-12-01T23:00:00+01:00' }, 'pause', VENDORS, { now });

    // Assess
    expect(request.at).toBe('2026-12-01T22:00:00.000Z');
  });

  it("takes the envelope's time when the detail has no at, and the detail's at over the envelope's time", () => {
    // Act
    const fromTime = parseWindowRequest(envelope(OCAMBA, '2026-12-01T21:00:00Z'), 'pause', VENDORS, { now });
    const fromAt = parseWindowRequest(envelope({ ...OCAMBA, at: '2026-12-01T20:00:00Z' }, '2026-12-01T21:00:00Z'), 'pause', VENDORS, { now });

    // Assess
    expect(fromTime.at).toBe('2026-12-01T21:00:00.000Z');
    expect(fromAt.at).toBe('2026-12-01T20:00:00.000Z');
  });

  it('leaves at out for a direct request with none: the run means now', () => {
    expect(parseWindowRequest(OCAMBA, 'pause', VENDORS, { now }).at).toBeUndefined();
  });

  it('refuses an at without a zone, not a time, or not a string, naming the field', () => {
    for (const at of ['2026-12-01T22:00:00', '2026-12-01', 'tonight', '2026-13-01T22:00:00Z', 1796162400000]) {
      expect(refusal({ ...OCAMBA, at })).toEqual([expect.objectContaining({ field: 'at', problem: expect.stringContaining('ISO-8601') })]);
    }
    expect(refusal(envelope(OCAMBA, 'yesterday'))).toEqual([expect.objectContaining({ field: 'time' })]);
  });

  it('refuses a run meant for more than five minutes ahead, and takes one within them (clock skew)', () => {
    // Act
    const within = parseWindowRequest({ ...OCAMBA, at: '2026-12-01T22:04:59Z' }, 'pause', VENDORS, { now });

    // Assess
    expect(within.at).toBe('2026-12-01T22:04:59.000Z');
    expect(refusal({ ...OCAMBA, at: '2026-12-01T22:06:00Z' })).toEqual([expect.objectContaining({ field: 'at', problem: expect.stringContaining('ahead') })]);
    expect(refusal(envelope(OCAMBA, '2026-12-02T06:00:00Z'))).toEqual([expect.objectContaining({ field: 'time', problem: expect.stringContaining('ahead') })]);
  });
});

describe('Function: parseWindowRequest (environment ids written as text)', () => {
  it.each(['0', '00', '99999999999999999999'])('refuses %j as an environment id, naming the field', (environment) => {
    // Act
    const parse = () => parseWindowRequest({ provider: 'deltadna', secret: 's', window: 'w', select: { environment } }, 'pause', VENDORS);

    // Assess
    expect(parse).toThrow(/select\.environment: must be an environment id/);
  });

  it('reads "8756" as the id 8756', () => {
    expect(parseWindowRequest({ provider: 'deltadna', secret: 's', window: 'w', select: { environment: ' 8756 ' } }, 'pause', VENDORS).select.environment).toEqual({ id: 8756 });
  });
});

describe('Function: parseWindowRequest (untrusted input is bounded)', () => {
  it('a 1 MB provider is quoted as a short prefix, not echoed whole', () => {
    // Prepare
    const provider = 'x'.repeat(1_000_000);

    // Act
    const issues = issuesOf({ ...OCAMBA, provider });

    // Assess
    expect(issues).toEqual([{ field: 'provider', problem: expect.stringMatching(/^must be one of: deltadna, ocamba; got "x+…$/) }]);
    expect(issues[0]!.problem.length).toBeLessThan(120);
  });

  it('a request with hundreds of problems lists the first twenty and counts the rest in one line', () => {
    // Prepare
    const select = { ids: Array.from({ length: 900 }, () => ({})) };

    // Act
    const issues = issuesOf({ ...OCAMBA, select });

    // Assess
    expect(issues).toHaveLength(21);
    expect(issues[19]?.field).toBe('select.ids[19]');
    expect(issues[20]).toEqual({ field: '(request)', problem: 'and 880 more problems (the first 20 are listed)' });
  });

  it('an unknown field with a huge name is named by a short prefix', () => {
    // Act
    const issues = issuesOf({ ...OCAMBA, select: { ['k'.repeat(100_000)]: 1 } });

    // Assess
    expect(issues).toHaveLength(1);
    expect(issues[0]!.field.length).toBeLessThanOrEqual(81);
    expect(issues[0]!.field).toMatch(/^select\.k+…$/);
  });

  it.each([
    ['select.ids', { ids: Array.from({ length: 1_001 }, (_, i) => String(i + 1)) }, 'has 1001 entries; at most 1000 are allowed'],
    ['select.exclude', { exclude: Array.from({ length: 1_001 }, (_, i) => i + 1) }, 'has 1001 entries; at most 1000 are allowed'],
    ['select.names', { names: Array.from({ length: 51 }, (_, i) => `Promo ${i}*`) }, 'has 51 entries; at most 50 are allowed'],
    ['select.labels', { labels: Array.from({ length: 51 }, (_, i) => `label-${i}`) }, 'has 51 entries; at most 50 are allowed'],
  ])('%s longer than its cap is refused as a whole', (field, select, problem) => {
    // Act
    const issues = issuesOf({ ...OCAMBA, select });

    // Assess
    expect(issues).toEqual([{ field, problem }]);
  });

  it('a name glob longer than 256 characters is refused, naming its index', () => {
    // Act
    const issues = issuesOf({ ...OCAMBA, select: { names: ['Promo*', `${'*a'.repeat(200)}`] } });

    // Assess
    expect(issues).toEqual([{ field: 'select.names[1]', problem: expect.stringMatching(/^is 400 characters long; at most 256 are allowed: "\*a\*a.*…$/) }]);
  });

  it('selections of exactly the caps are accepted', () => {
    // Prepare
    const select = {
      ids: Array.from({ length: 1_000 }, (_, i) => String(1_000_000 + i)),
      exclude: Array.from({ length: 1_000 }, (_, i) => 2_000_000 + i),
      names: Array.from({ length: 50 }, () => '?'.repeat(256)),
      labels: Array.from({ length: 50 }, () => 'l'.repeat(256)),
    };

    // Act
    const request = parseWindowRequest({ ...OCAMBA, select }, 'pause', VENDORS);

    // Assess
    expect(request.select.ids).toHaveLength(1_000);
    expect(request.select.names).toHaveLength(50);
  });

  it.each(['ids', 'names', 'labels'])('an empty select.%s is refused: it selects nothing', (field) => {
    // Act
    const issues = issuesOf({ ...OCAMBA, select: { [field]: [] } });

    // Assess
    expect(issues).toEqual([{ field: `select.${field}`, problem: 'an empty list selects nothing; leave the field out to select everything' }]);
  });

  it('an empty select.exclude is harmless and accepted', () => {
    // Act
    const request = parseWindowRequest({ ...OCAMBA, select: { exclude: [] } }, 'pause', VENDORS);

    // Assess
    expect(request.select.exclude).toEqual([]);
  });

  it.each([
    ['deltadna', DELTADNA, 'a deltadna campaign id is a number'],
    ['ocamba', OCAMBA, 'an ocamba campaign id is a string of digits'],
  ] as const)('campaign ids "." and ".." are refused for %s before anything is sent, naming the index', (_provider, base, form) => {
    // Act
    const issues = issuesOf({ ...base, select: { ...('select' in base ? base.select : {}), ids: ['34751', '.', '..', 'a/b', -5, '1'.repeat(20)] } });

    // Assess
    expect(issues.map((i) => i.field)).toEqual(['select.ids[1]', 'select.ids[2]', 'select.ids[3]', 'select.ids[4]', 'select.ids[5]']);
    for (const issue of issues) expect(issue.problem).toContain(form);
  });

  it('an excluded id not in the vendor form is refused too', () => {
    // Act
    const issues = issuesOf({ ...OCAMBA, select: { exclude: ['1000248', '../x'] } });

    // Assess
    expect(issues).toEqual([{ field: 'select.exclude[1]', problem: expect.stringContaining('"../x"') }]);
  });
});
