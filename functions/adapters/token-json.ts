/**
 * The stored form of a cached vendor token, shared by the Secrets Manager and file caches:
 * `{"token": "...", "expiresAt": "<ISO-8601>"}`. The stack's placeholder has an empty token.
 */
import type { CachedToken } from '../core/ports.js';

/** The cached token, or undefined for the placeholder, an empty token or anything unreadable. */
const parseCachedToken = (text: string | undefined): CachedToken | undefined => {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { token, expiresAt } = parsed as Record<string, unknown>;
  if (typeof token !== 'string' || token === '' || typeof expiresAt !== 'string') return undefined;
  if (Number.isNaN(Date.parse(expiresAt))) return undefined;
  return { token, expiresAt };
};

export { parseCachedToken };
