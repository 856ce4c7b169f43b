import { describe, expect, it } from 'vitest';
import { quote } from '../../functions/core/validation.js';

describe('Function: quote', () => {
  it.each([
    ['a short string, whole and closed', 'Promo', '"Promo"'],
    ['a string of exactly the bound, whole', 'x'.repeat(48), `"${'x'.repeat(48)}"`],
    ['a longer string, its first 48 characters then …', 'y'.repeat(1_000_000), `"${'y'.repeat(48)}…`],
    ['a number', 42, '42'],
    ['a long array, cut', Array.from({ length: 100 }, (_, i) => i), `${JSON.stringify(Array.from({ length: 100 }, (_, i) => i)).slice(0, 48)}…`],
    ['undefined, by its type', undefined, 'nothing'],
  ])('quotes %s', (_label, value, expected) => {
    // Act
    const quoted = quote(value);

    // Assess
    expect(quoted).toBe(expected);
  });

  it('never cuts a character in two', () => {
    // Act
    const quoted = quote(`${'a'.repeat(47)}😀😀`);

    // Assess
    expect(quoted).toBe(`"${'a'.repeat(47)}…`);
  });
});
