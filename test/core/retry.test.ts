import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RETRY, backoffDelay, parseRetryAfter, sleep, type RetryPolicy } from '../../functions/core/retry.js';

const POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 20_000 };
const NOW = Date.parse('2026-12-28T22:00:00Z');

describe('Function: backoffDelay', () => {
  it.each([
    [1, 200],
    [2, 400],
    [3, 800],
    [4, 1_600],
    [8, 20_000],
    [20, 20_000],
  ])('after %i failed attempts waits between 0 and just under %i ms', (attempt, cap) => {
    // Act
    const lowest = backoffDelay(attempt, POLICY, () => 0);
    const highest = backoffDelay(attempt, POLICY, () => 0.999);

    // Assess
    expect(lowest).toBe(0);
    expect(highest).toBe(Math.floor(0.999 * cap));
    expect(highest).toBeLessThan(cap);
  });

  it('treats an attempt below 1 as the first', () => {
    // Act
    const delay = backoffDelay(0, POLICY, () => 0.5);

    // Assess
    expect(delay).toBe(100);
  });

  it('returns whole milliseconds', () => {
    // Act
    const delay = backoffDelay(1, { maxAttempts: 3, baseDelayMs: 3, maxDelayMs: 10 }, () => 0.5);

    // Assess
    expect(delay).toBe(1);
  });

  it('draws from Math.random when no source is given, within the bounds', () => {
    // Act
    const delays = Array.from({ length: 50 }, () => backoffDelay(3, POLICY));

    // Assess
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(800);
    }
  });

  it('has a frozen default policy', () => {
    // Assess
    expect(Object.isFrozen(DEFAULT_RETRY)).toBe(true);
    expect(DEFAULT_RETRY.maxAttempts).toBeGreaterThan(1);
  });
});

describe('Function: parseRetryAfter', () => {
  it.each([
    ['whole seconds', '5', 5_000],
    ['zero', '0', 0],
    ['surrounding spaces', ' 3 ', 3_000],
    ['fractional seconds, rounded up to a millisecond', '1.5', 1_500],
    ['a fraction of a millisecond', '0.0001', 1],
  ])('reads %s', (_label, value, expected) => {
    // Act
    const ms = parseRetryAfter(value, NOW);

    // Assess
    expect(ms).toBe(expected);
  });

  it('reads an HTTP date as the time until then', () => {
    // Act
    const ms = parseRetryAfter('Mon, 28 Dec 2026 22:00:30 GMT', NOW);

    // Assess
    expect(ms).toBe(30_000);
  });

  it('reads an HTTP date in the past as no wait', () => {
    // Act
    const ms = parseRetryAfter('Mon, 28 Dec 2026 21:59:00 GMT', NOW);

    // Assess
    expect(ms).toBe(0);
  });

  it.each([
    ["Ocamba's -1 (too many parallel requests)", '-1'],
    ['a negative fraction', '-2.5'],
    ['garbage', 'soon'],
    ['a unit', '12abc'],
    ['an empty value', ''],
    ['only spaces', '   '],
    ['null', null],
    ['undefined', undefined],
  ])('ignores %s', (_label, value) => {
    // Act
    const ms = parseRetryAfter(value, NOW);

    // Assess
    expect(ms).toBeUndefined();
  });
});

describe('Function: sleep', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves after the delay', async () => {
    // Prepare
    vi.useFakeTimers();
    let done = false;
    void sleep(1_000).then(() => {
      done = true;
    });

    // Act
    await vi.advanceTimersByTimeAsync(999);
    const early = done;
    await vi.advanceTimersByTimeAsync(1);

    // Assess
    expect(early).toBe(false);
    expect(done).toBe(true);
  });

  it('rejects with the abort reason, at once or when aborted', async () => {
    // Prepare
    vi.useFakeTimers();
    const aborted = AbortSignal.abort(new Error('stop'));
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);

    // Act
    controller.abort(new Error('cancelled'));

    // Assess
    await expect(sleep(10, aborted)).rejects.toThrow('stop');
    await expect(pending).rejects.toThrow('cancelled');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('Function: parseRetryAfter (strictness)', () => {
  it.each(['x 1', '+5', '1,5', 'Tue, 3', 'tomorrow'])('reads %j as no answer, not as a date', (value) => {
    expect(parseRetryAfter(value)).toBeUndefined();
  });

  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('2015-10-21T07:28:00Z'))).toBe(10_000);
  });
});
