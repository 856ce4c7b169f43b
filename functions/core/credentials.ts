/**
 * Reading an account's credentials out of a secret's JSON. Problems name the secret and the field;
 * the value itself is never echoed, not even a piece of it.
 */
import { ConfigurationError } from './errors.js';
import { checkBaseUrl } from './http.js';
import { isObject } from './validation.js';

/**
 * Returns the named string fields of a secret, and its `baseUrl` (or the vendor default), checked.
 * Throws one ConfigurationError listing every problem.
 */
const readCredentialFields = <K extends string>(
  secretName: string,
  secretString: string,
  fields: readonly K[],
  defaultBaseUrl: string,
): Record<K, string> & { baseUrl: string } => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new ConfigurationError(`secret ${secretName}: the value is not JSON (expected {${fields.map((f) => `"${f}": "..."`).join(', ')}})`);
  }
  if (!isObject(parsed)) throw new ConfigurationError(`secret ${secretName}: the value must be a JSON object`);
  const problems: string[] = [];
  const out: Record<string, string> = {};
  for (const field of fields) {
    const value = parsed[field];
    if (typeof value !== 'string' || value.trim() === '') problems.push(`${field}: is required (a non-empty string)`);
    else out[field] = value;
  }
  let baseUrl = defaultBaseUrl;
  if (parsed.baseUrl !== undefined) {
    const problem = typeof parsed.baseUrl === 'string' ? checkBaseUrl(parsed.baseUrl) : 'must be a string';
    if (problem) problems.push(`baseUrl: ${problem}`);
    else baseUrl = (parsed.baseUrl as string).replace(/\/+$/, '');
  }
  if (problems.length > 0) throw new ConfigurationError(`secret ${secretName}: ${problems.join('; ')}`);
  return { ...(out as Record<K, string>), baseUrl };
};

export { readCredentialFields };
