/**
 * SecretSource on AWS Secrets Manager. Values are cached per secret for the container's life, but only for
 * a short while, so a rotated key is picked up within minutes without a redeploy.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CampaignOpsError, ConfigurationError, ExitStatus } from '../../core/errors.js';
import type { SecretSource } from '../../core/ports.js';

/** Secrets Manager could not be reached or answered with a failure that may pass (throttling, 5xx). */
class SecretUnavailableError extends CampaignOpsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, { code: 'SECRET_UNAVAILABLE', retryable: true, exitStatus: ExitStatus.failed }, options);
    this.name = 'SecretUnavailableError';
  }
}

interface SecretsManagerSourceOptions {
  /** A configured client; the module's shared default client otherwise. */
  readonly client?: SecretsManagerClient;
  /** How long a value is served from the cache; default 5 minutes. */
  readonly maxAgeMs?: number;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

interface CachedValue {
  readonly fetchedAt: number;
  readonly value: Promise<string>;
}

const MAX_AGE_MS_DEFAULT = 5 * 60 * 1000;

let sharedClient: SecretsManagerClient | undefined;
/** One client per container unless the caller brings its own. */
const defaultSecretsManagerClient = (): SecretsManagerClient => (sharedClient ??= new SecretsManagerClient({}));

const errorName = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'name' in error ? String((error as { name: unknown }).name) : '';

/** Errors that name the secret and what is wrong, never its value. */
const explainSecretError = (secret: string, error: unknown): Error => {
  const name = errorName(error);
  switch (name) {
    case 'ResourceNotFoundException':
      return new ConfigurationError(`secret ${secret} was not found`, { cause: error });
    case 'AccessDeniedException':
    case 'AccessDenied':
      return new ConfigurationError(`access to secret ${secret} was denied (check the function's IAM policy)`, {
        cause: error,
      });
    case 'DecryptionFailure':
      return new ConfigurationError(`secret ${secret} could not be decrypted (check its KMS key policy)`, {
        cause: error,
      });
    case 'InvalidRequestException':
    case 'InvalidParameterException':
      return new ConfigurationError(`secret ${secret} cannot be read (${name}; is it scheduled for deletion?)`, {
        cause: error,
      });
    default:
      return new SecretUnavailableError(`secret ${secret} could not be read (${name || 'unknown error'})`, {
        cause: error,
      });
  }
};

class SecretsManagerSource implements SecretSource {
  readonly #client: SecretsManagerClient;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, CachedValue>();

  constructor(options: SecretsManagerSourceOptions = {}) {
    this.#client = options.client ?? defaultSecretsManagerClient();
    this.#maxAgeMs = options.maxAgeMs ?? MAX_AGE_MS_DEFAULT;
    this.#now = options.now ?? Date.now;
  }

  getSecretString(name: string): Promise<string> {
    const now = this.#now();
    const cached = this.#cache.get(name);
    if (cached !== undefined && now - cached.fetchedAt < this.#maxAgeMs) return cached.value;
    // The promise is cached, so concurrent callers share one request; a failure is not cached.
    const value = this.#fetch(name);
    this.#cache.set(name, { fetchedAt: now, value });
    value.catch(() => {
      if (this.#cache.get(name)?.value === value) this.#cache.delete(name);
    });
    return value;
  }

  async #fetch(name: string): Promise<string> {
    let secretString: string | undefined;
    try {
      const output = await this.#client.send(new GetSecretValueCommand({ SecretId: name }));
      secretString = output.SecretString;
    } catch (error) {
      throw explainSecretError(name, error);
    }
    if (secretString === undefined) {
      throw new ConfigurationError(`secret ${name} has no SecretString (binary secrets are not supported)`);
    }
    return secretString;
  }
}

export { SecretsManagerSource, SecretUnavailableError, defaultSecretsManagerClient, explainSecretError };
export type { SecretsManagerSourceOptions };
