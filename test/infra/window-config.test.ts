import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../infra/create-app.js';
import { readSchedule } from '../../infra/config/schedule-expression.js';
import { timeZoneProblem } from '../../infra/config/time-zones.js';
import type { CampaignOpsConfig } from '../../infra/config/types.js';
import { validateConfig, WindowConfigError } from '../../infra/config/validate.js';
import { campaignOps } from '../../infra/windows.js';
import { testConfig, withWindow } from './fixtures.js';

/** Synthesizes the app as `cdk synth` does (bundling skipped: validation comes before any of it). */
const synth = (config: CampaignOpsConfig): unknown =>
  createApp(config, {
    outdir: mkdtempSync(join(tmpdir(), 'campaign-ops-config-')),
    context: { 'aws:cdk:bundling-stacks': [] },
  }).app.synth();

const problemsOf = (config: unknown): readonly string[] => {
  try {
    validateConfig(config);
    return [];
  } catch (error) {
    if (error instanceof WindowConfigError) return error.problems;
    throw error;
  }
};

describe('Config: a window over decision-point campaigns', () => {
  it('sends select.kind in both edges of the window', () => {
    // Act
    const config = validateConfig(withWindow(0, { select: { environment: 8756, kind: 'decision-point' } }));

    // Assess
    const nightlyPlan = config.windows.find((window) => window.name === 'nightly')!;
    expect(nightlyPlan.pause.request.select).toEqual({ environment: 8756, kind: 'decision-point' });
    expect(nightlyPlan.resume.request.select).toEqual({ environment: 8756, kind: 'decision-point' });
  });

  it('refuses a kind the vendor does not have, naming the window and select.kind', () => {
    // Act
    const problems = problemsOf(withWindow(1, { select: { labels: ['night-off'], kind: 'all' } }));

    // Assess
    expect(problems).toContainEqual(expect.stringMatching(/^window "hood-night-off": select\.kind: ocamba has one kind of campaign/));
  });
});

describe('Config: window configuration', () => {
  it('accepts the shipped infra/windows.ts', () => {
    // Act
    const config = validateConfig(campaignOps);

    // Assess
    expect(config.windows.find((window) => window.name === 'nightly')).toMatchObject({
      timeZone: 'Europe/Berlin',
      active: true,
      pause: { expression: 'cron(0 22 * * ? *)', request: { provider: 'deltadna', select: { environment: 8756 } } },
      resume: { expression: 'cron(0 6 * * ? *)', request: { scope: 'window' } },
    });
    expect(config.windows.some((window) => window.provider === 'ocamba' && window.pause.request.select.labels?.includes('night-off'))).toBe(true);
  });

  it.each([
    ['a bad cron', withWindow(0, { pause: 'cron(0 22 * * *)' }), /window "nightly": pause: cron\(0 22 \* \* \*\): has 5 fields/],
    ['a cron with both day fields set', withWindow(0, { resume: 'cron(0 6 * * * *)' }), /window "nightly": resume: .*exactly one of them must be "\?"/],
    ['a cron value out of range', withWindow(1, { pause: 'cron(0 24 ? * MON-FRI *)' }), /window "hood-night-off": pause: .*hours: "24" is out of range/],
    ['an unknown time zone', withWindow(0, { timeZone: 'Europe/Berln' }), /window "nightly": timeZone: unknown time zone "Europe\/Berln" \(did you mean "Europe\/Berlin"\?\)/],
    ['a resume before its pause', withWindow(2, { resume: 'at(2026-12-28T08:59:59)' }), /window "release-freeze": resume: at\(2026-12-28T08:59:59\) is not after pause at\(2026-12-28T09:00:00\)/],
    ['a date that does not exist', withWindow(2, { pause: 'at(2026-02-30T09:00:00)' }), /window "release-freeze": pause: "2026-02-30T09:00:00" is not a real date/],
    ['an unknown provider', withWindow(1, { provider: 'ocamab' }), /window "hood-night-off": provider: must be one of: deltadna, ocamba; got "ocamab"/],
    ['a secret not declared in accounts', withWindow(0, { secret: 'campaign-ops/other' }), /window "nightly": secret: "campaign-ops\/other" is not declared in accounts/],
    ['a selection the handlers would refuse', withWindow(0, { select: {} }), /window "nightly": select\.environment: is required for deltadna/],
    ['a misspelt field', withWindow(0, { timezone: 'Europe/Berlin' }), /window "nightly": timezone: unknown field/],
    ['a flexible window out of range', withWindow(1, { flexibleWindowMinutes: 2000 }), /window "hood-night-off": flexibleWindowMinutes: must be a whole number of minutes 1-1440/],
  ])('fails the synth on %s, naming the window and the field', (_case, config, message) => {
    // Act
    const act = (): unknown => synth(config);

    // Assess
    expect(act).toThrow(WindowConfigError);
    expect(act).toThrow(message);
  });

  it('fails on duplicate window names and on a window using another provider account', () => {
    // Prepare
    const config: CampaignOpsConfig = {
      ...testConfig,
      windows: [...testConfig.windows, { ...testConfig.windows[1]!, name: 'nightly', secret: 'campaign-ops/deltaslot-live' }],
    };

    // Act
    const problems = problemsOf(config);

    // Assess
    expect(problems).toContain('window "nightly": name: used by more than one window (names key the window state and events)');
    expect(problems).toContain('window "nightly": secret: "campaign-ops/deltaslot-live" is declared as a deltadna account, not "ocamba"');
  });

  it('takes recipient buckets by name only', () => {
    // Prepare
    const config = { ...testConfig, recipientBuckets: ['campaign-ops-recipients', 's3://recipients', 'arn:aws:s3:::x'] };

    // Act
    const problems = problemsOf(config as CampaignOpsConfig);

    // Assess
    expect(problems).toEqual([
      'recipientBuckets[1]: must be an S3 bucket name (not an ARN or s3:// URL), got "s3://recipients"',
      'recipientBuckets[2]: must be an S3 bucket name (not an ARN or s3:// URL), got "arn:aws:s3:::x"',
    ]);
  });

  it('a huge time zone and schedule in the configuration are quoted as short prefixes', () => {
    // Prepare
    const config = withWindow(0, { timeZone: 'Z'.repeat(100_000), pause: `cron(${'9'.repeat(100_000)} * * * ? *)` });

    // Act
    const problems = problemsOf(config);

    // Assess
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem.length).toBeLessThan(400);
    expect(problems.join('\n')).toMatch(/unknown time zone "Z+…/);
  });

  it('reports every problem at once, across windows and accounts', () => {
    // Prepare
    const config = {
      ...withWindow(0, { timeZone: 'Mars/Olympus', pause: 'rate(1 day)' }),
      killSwitch: 'no',
      accounts: [...testConfig.accounts, { secret: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:x', provider: 'braze' }],
    };

    // Act
    const problems = problemsOf(config);

    // Assess
    expect(problems).toEqual(expect.arrayContaining([
      'killSwitch: is required: true or false',
      expect.stringMatching(/^account "arn:aws:secretsmanager:.*": secret: must be a Secrets Manager secret name/),
      expect.stringMatching(/^account "arn:aws:secretsmanager:.*": provider: unknown provider "braze"/),
      'window "nightly": timeZone: unknown time zone "Mars/Olympus"',
      expect.stringMatching(/^window "nightly": pause: "rate\(1 day\)": a window opens at a time of day/),
    ]));
  });

  it.each([
    'cron(0 22 * * ? *)',
    'cron(0/15 8-17 ? * MON-FRI *)',
    'cron(30 21 1,15 JAN-MAR ? 2026-2027)',
    'cron(0 9 L * ? *)',
    'cron(0 9 LW * ? *)',
    'cron(0 9 15W * ? *)',
    'cron(0 9 ? * 6#3 *)',
    'cron(0 9 ? * FRIL *)',
  ])('accepts the EventBridge Scheduler cron %s', (expression) => {
    // Act
    const result = readSchedule(expression);

    // Assess
    expect(result).toEqual({ schedule: { kind: 'cron', expression } });
  });

  it.each([
    ['cron(0 22 * * ?)', /has 5 fields/],
    ['cron(60 22 * * ? *)', /minutes: "60" is out of range/],
    ['cron(0 22 ? * 8 *)', /day-of-week: "8" is out of range/],
    ['cron(0 22 ? FOO * *)', /month: "FOO" is out of range/],
    ['cron(0 22 ? * MON#6 *)', /day-of-week: "MON#6" must be DAY#N/],
    ['cron(? 22 * * ? *)', /minutes: "\?" is allowed in day-of-month or day-of-week only/],
    ['0 22 * * ? *', /is not a schedule/],
  ])('rejects the cron %s', (expression, message) => {
    // Act
    const result = readSchedule(expression);

    // Assess
    expect('problems' in result && result.problems.join('; ')).toMatch(message);
  });

  it('reads a one-time window from at(...) or a bare local date-time, refusing a UTC offset', () => {
    // Act / Assess
    expect(readSchedule('at(2026-12-28T09:00:00)')).toMatchObject({ schedule: { kind: 'at', expression: 'at(2026-12-28T09:00:00)' } });
    expect(readSchedule('2026-12-28T09:00')).toMatchObject({ schedule: { kind: 'at', expression: 'at(2026-12-28T09:00:00)' } });
    expect(readSchedule('2026-12-28T09:00:00Z')).toEqual({ problems: [expect.stringContaining('has a UTC offset')] });
    expect(readSchedule('at(2026-12-28 09:00)')).toEqual({ problems: [expect.stringContaining('is not a date-time')] });
  });

  it('accepts IANA time zones as Scheduler spells them and suggests the nearest for a typo', () => {
    // Act / Assess
    expect(timeZoneProblem('Europe/Berlin')).toBeUndefined();
    expect(timeZoneProblem('America/Argentina/Buenos_Aires')).toBeUndefined();
    expect(timeZoneProblem('UTC')).toBeUndefined();
    expect(timeZoneProblem('europe/berlin')).toBe('unknown time zone "europe/berlin" (did you mean "Europe/Berlin"?)');
    expect(timeZoneProblem('Asia/Tokio')).toBe('unknown time zone "Asia/Tokio" (did you mean "Asia/Tokyo"?)');
    expect(timeZoneProblem(undefined)).toMatch(/is required/);
  });
});
