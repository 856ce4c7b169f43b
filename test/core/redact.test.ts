import { describe, expect, it } from 'vitest';
import { cut, Redactor } from '../../functions/core/redact.js';

describe('Class: Redactor', () => {
  it('removes a credential in every form it travels in: as is, base64, URL-safe base64, percent-encoded, JSON-escaped', () => {
    // Prepare
    const redactor = new Redactor();
    const secret = 'p@ss/w"rd+1';
    redactor.add(secret);
    const forms = [
      secret,
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
      encodeURIComponent(secret),
      JSON.stringify(secret).slice(1, -1),
    ];

    // Act
    const scrubbed = forms.map((form) => redactor.scrub(`before ${form} after`));

    // Assess
    for (const text of scrubbed) expect(text).toBe('before [redacted] after');
  });

  it('removes a BasicAuth pair as it travels in the header', () => {
    // Prepare
    const redactor = new Redactor();
    redactor.addBasicAuth('secret-key', 'api-key-1');
    const header = `Basic ${Buffer.from('secret-key:api-key-1').toString('base64')}`;

    // Act
    const scrubbed = redactor.scrub(`you sent ${header}`);

    // Assess
    expect(scrubbed).toBe('you sent Basic [redacted]');
  });

  it('replaces the longer of two overlapping values whole', () => {
    // Prepare
    const redactor = new Redactor();
    redactor.add('abcd');
    redactor.add('abcdefgh');

    // Act
    const scrubbed = redactor.scrub('x abcdefgh y abcd');

    // Assess
    expect(scrubbed).toBe('x [redacted] y [redacted]');
  });

  it('ignores empty and very short values, which would cut ordinary words to pieces', () => {
    // Prepare
    const redactor = new Redactor();
    redactor.add('');
    redactor.add('ab');
    redactor.add(undefined);

    // Act
    const scrubbed = redactor.scrub('about a tab');

    // Assess
    expect(scrubbed).toBe('about a tab');
  });

  it('scrubs keys and values of a parsed answer at any depth, leaving other values as they are', () => {
    // Prepare
    const redactor = new Redactor();
    redactor.add('tok-123456');

    // Act
    const scrubbed = redactor.scrubJson({ a: [{ 'tok-123456': 'x tok-123456' }], n: 5, t: true, z: null });

    // Assess
    expect(scrubbed).toEqual({ a: [{ '[redacted]': 'x [redacted]' }], n: 5, t: true, z: null });
  });

  it('remembers a bounded number of values: the oldest are forgotten first', () => {
    // Prepare
    const redactor = new Redactor();
    for (let i = 0; i < 2_000; i += 1) redactor.add(`secret-value-${i}`);

    // Act & Assess
    expect(redactor.scrub('secret-value-1999')).toBe('[redacted]');
    expect(redactor.scrub('secret-value-0')).toBe('secret-value-0');
  });
});

describe('Class: Redactor, in a long-lived process', () => {
  it('a credential registered again is the most recent, so a flood of newer values does not make it forgotten', () => {
    // Prepare
    const redactor = new Redactor();
    redactor.add('long-lived-password');
    for (let i = 0; i < 150; i += 1) redactor.add(`token-${i}-abcdef`);
    redactor.add('long-lived-password');

    // Act
    for (let i = 150; i < 300; i += 1) redactor.add(`token-${i}-abcdef`);

    // Assess
    expect(redactor.scrub('long-lived-password')).toBe('[redacted]');
  });
});

describe('Function: cut', () => {
  it('keeps short text and cuts long text, saying how much was left out', () => {
    // Act & Assess
    expect(cut('short', 10)).toBe('short');
    expect(cut('x'.repeat(15), 10)).toBe(`${'x'.repeat(10)}… (5 more characters)`);
  });
});
