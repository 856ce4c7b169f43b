import { describe, expect, it } from 'vitest';
import { readCredentialFields } from '../../functions/core/credentials.js';
import { ConfigurationError } from '../../functions/core/errors.js';

const DEFAULT = 'https://api.ocamba.com';
const SECRET_VALUE = 'hunter2-very-secret-value';

const problemOf = (secretString: string, fields: readonly string[] = ['token']): string => {
  try {
    readCredentialFields('campaign-ops/hood', secretString, fields, DEFAULT);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError');
};

describe('Function: readCredentialFields', () => {
  it('returns the fields and the default base URL', () => {
    // Act
    const credentials = readCredentialFields('campaign-ops/d', JSON.stringify({ key: 'k', password: 'p' }), ['key', 'password'], DEFAULT);

    // Assess
    expect(credentials).toEqual({ key: 'k', password: 'p', baseUrl: DEFAULT });
  });

  it('uses the secret baseUrl without its trailing slashes', () => {
    // Act
    const credentials = readCredentialFields('s', JSON.stringify({ token: 't', baseUrl: 'http://127.0.0.1:4010//' }), ['token'], DEFAULT);

    // Assess
    expect(credentials.baseUrl).toBe('http://127.0.0.1:4010');
  });

  it('refuses a value that is not JSON, naming the secret and the expected fields', () => {
    // Act
    const message = problemOf(`token=${SECRET_VALUE}`);

    // Assess
    expect(message).toBe('secret campaign-ops/hood: the value is not JSON (expected {"token": "..."})');
  });

  it.each([['an array', '[]'], ['a string', '"x"'], ['null', 'null']])('refuses %s', (_label, value) => {
    // Act
    const message = problemOf(value);

    // Assess
    expect(message).toBe('secret campaign-ops/hood: the value must be a JSON object');
  });

  it('lists every problem at once without echoing any value', () => {
    // Prepare
    const value = JSON.stringify({ key: 42, password: '  ', baseUrl: `http://${SECRET_VALUE}.example.com`, other: SECRET_VALUE });

    // Act
    const message = problemOf(value, ['key', 'password', 'token']);

    // Assess
    expect(message).toContain('key: is required (a non-empty string)');
    expect(message).toContain('password: is required (a non-empty string)');
    expect(message).toContain('token: is required (a non-empty string)');
    expect(message).toContain('baseUrl: must be https');
    expect(message).not.toContain(SECRET_VALUE);
  });

  it('refuses a baseUrl that is not a string', () => {
    // Act
    const message = problemOf(JSON.stringify({ token: 't', baseUrl: 443 }));

    // Assess
    expect(message).toBe('secret campaign-ops/hood: baseUrl: must be a string');
  });

  it.each([
    ['a user and password', `https://ops:${SECRET_VALUE}@api.ocamba.com`, 'baseUrl: must not contain credentials'],
    ['a user alone', `https://${SECRET_VALUE}@api.ocamba.com`, 'baseUrl: must not contain credentials'],
    ['a password on loopback', `http://u:${SECRET_VALUE}@127.0.0.1:4010`, 'baseUrl: must not contain credentials'],
    ['a query', `https://api.ocamba.com/?key=${SECRET_VALUE}`, 'baseUrl: must not contain a query (?) or a fragment (#)'],
    ['an empty query', 'https://api.ocamba.com/?', 'baseUrl: must not contain a query (?) or a fragment (#)'],
    ['a fragment', `https://api.ocamba.com/#${SECRET_VALUE}`, 'baseUrl: must not contain a query (?) or a fragment (#)'],
  ])('a baseUrl with %s is refused when the secret is read, its value never echoed', (_label, baseUrl, problem) => {
    // Act
    const message = problemOf(JSON.stringify({ token: 't', baseUrl }));

    // Assess
    expect(message).toContain(`secret campaign-ops/hood: ${problem}`);
    expect(message).not.toContain(SECRET_VALUE);
  });
});
