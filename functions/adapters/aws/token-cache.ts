/**
 * TokenCache for one vendor account on Secrets Manager: the token lives in a companion secret, named
 * `<prefix><account secret name>`, that the stack creates with a placeholder value.
 *
 * Two containers refreshing at once with different tokens both write: the last write wins, and since the
 * vendor keeps both tokens valid until they expire, each container ends with a working token either way.
 * Writing the same token twice is idempotent: the ClientRequestToken is derived from the value.
 */
import { createHash } from 'node:crypto';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { TOKEN_CACHE_PREFIX_DEFAULT, ENVIRONMENT } from '../../settings.js';
import type { CachedToken, TokenCache } from '../../core/ports.js';
import { secretNameOf } from '../../core/secret-names.js';
import { parseCachedToken } from '../token-json.js';
import { defaultSecretsManagerClient, explainSecretError } from './secrets-manager.js';

interface SecretsManagerTokenCacheOptions {
  /** The account's credentials secret, by name or ARN. */
  readonly accountSecret: string;
  /** Companion secret prefix; default: the TOKEN_CACHE_PREFIX environment variable, else TOKEN_CACHE_PREFIX_DEFAULT. */
  readonly prefix?: string;
  readonly client?: SecretsManagerClient;
}

const companionSecretName = (accountSecret: string, prefix: string): string => `${prefix}${secretNameOf(accountSecret)}`;

/** A uuid-shaped digest of the value: the same value always gives the same version id. */
const clientRequestTokenFor = (secretString: string): string => {
  const hex = createHash('sha256').update(secretString).digest('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join('-');
};

const isNotFound = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'ResourceNotFoundException';

class SecretsManagerTokenCache implements TokenCache {
  /** The companion secret's name (safe to log: it names the secret, not its value). */
  readonly secretName: string;
  readonly #client: SecretsManagerClient;

  constructor(options: SecretsManagerTokenCacheOptions) {
    const prefix = options.prefix ?? process.env[ENVIRONMENT.tokenCachePrefix] ?? TOKEN_CACHE_PREFIX_DEFAULT;
    this.secretName = companionSecretName(options.accountSecret, prefix);
    this.#client = options.client ?? defaultSecretsManagerClient();
  }

  async get(): Promise<CachedToken | undefined> {
    try {
      const output = await this.#client.send(new GetSecretValueCommand({ SecretId: this.secretName }));
      return parseCachedToken(output.SecretString);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw explainSecretError(this.secretName, error);
    }
  }

  async put(token: CachedToken): Promise<void> {
    const secretString = JSON.stringify({ token: token.token, expiresAt: token.expiresAt });
    try {
      await this.#client.send(
        new PutSecretValueCommand({
          SecretId: this.secretName,
          SecretString: secretString,
          ClientRequestToken: clientRequestTokenFor(secretString),
        }),
      );
    } catch (error) {
      throw explainSecretError(this.secretName, error);
    }
  }
}

export { SecretsManagerTokenCache, companionSecretName, clientRequestTokenFor };
export type { SecretsManagerTokenCacheOptions };
