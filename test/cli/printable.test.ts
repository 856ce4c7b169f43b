import { describe, expect, it } from 'vitest';
import { printable, printableJson, printableLines } from '../../cli/printable.js';

describe('Function: printable', () => {
  it('drops a title-setting OSC whether it ends with BEL, with ST or not at all', () => {
    // Act / Assess
    expect(printable('\u001b]0;owned\u0007Promo')).toBe('Promo');
    expect(printable('\u001b]2;owned\u001b\\Promo')).toBe('Promo');
    expect(printable('Promo\u001b]0;owned')).toBe('Promo');
  });

  it('drops colour and screen-clearing sequences, 7-bit and C1 alike, and bidi overrides', () => {
    // Act / Assess
    expect(printable('\u001b[2J\u001b[1;31mRed\u009b0m \u202eevil\u202c\u2067x\u2069')).toBe('Red evilx');
  });

  it('makes a multi-line vendor message one line for a table cell', () => {
    // Act / Assess
    expect(printable('first\r\nsecond\tthird')).toBe('first second third');
  });

  it('keeps the lines of a message naming several problems, each made printable and cut', () => {
    // Act
    const text = printableLines(`invalid request:\n  - a: \u001b[2Jbad\n  - b: ${'x'.repeat(600)}`, 100);

    // Assess
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('  - a: bad');
    expect(lines[2]).toHaveLength(100);
    expect(lines[2]).toMatch(/…$/);
  });

  it('cuts a long cell with an ellipsis without splitting a character in two', () => {
    // Act
    const cut = printable('😀'.repeat(10), 5);

    // Assess
    expect(Array.from(cut)).toEqual(['😀', '😀', '😀', '😀', '…']);
  });

  it('writes JSON that parses to the same value with no raw DEL, C1 or bidi control', () => {
    // Prepare
    const value = { name: '\u001b]0;x\u0007a\u009b31m\u202eb\u007f' };

    // Act
    const json = printableJson(value);

    // Assess
    expect(json).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});
