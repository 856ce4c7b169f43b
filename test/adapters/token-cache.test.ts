import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  SecretsManagerTokenCache,
  clientRequestTokenFor,
  companionSecretName,
} from '../../functions/adapters/aws/token-cache.js';
import { ConfigurationError } from '../../functions/core/errors.js';
import { ENVIRONMENT, TOKEN_CACHE_PREFIX_DEFAULT } from '../../functions/settings.js';

const client = new SecretsManagerClient({ region: 'us-east-1' });
const secretsManager = mockClient(client);
const ACCOUNT = 'campaign-ops/deltaslot-live';
const COMPANION = `${TOKEN_CACHE_PREFIX_DEFAULT}${ACCOUNT}`;
const TOKEN = { token: 'eyJ.vendor-id-token.sig', expiresAt: '2026-11-23T06:00:00.000Z' };
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('Adapter: SecretsManagerTokenCache', () => {
  beforeEach(() => {
    secretsManager.reset();
    vi.stubEnv(ENVIRONMENT.tokenCachePrefix, undefined);
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('names the companion secret after the account secret, by name or by ARN', () => {
    // Prepare
    const arn = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:campaign-ops/deltaslot-live-AbC123';

    // Act
    const byName = new SecretsManagerTokenCache({ accountSecret: ACCOUNT, client }).secretName;
    const byArn = new SecretsManagerTokenCache({ accountSecret: arn, client }).secretName;
    const byOption = new SecretsManagerTokenCache({ accountSecret: arn, client, prefix: 'tokens/' }).secretName;
    vi.stubEnv(ENVIRONMENT.tokenCachePrefix, 'from-env/');
    const byEnvironment = new SecretsManagerTokenCache({ accountSecret: ACCOUNT, client }).secretName;

    // Assess
    expect(byName).toBe(COMPANION);
    expect(byArn).toBe(COMPANION);
    expect(byOption).toBe('tokens/campaign-ops/deltaslot-live');
    expect(byEnvironment).toBe('from-env/campaign-ops/deltaslot-live');
    expect(companionSecretName('my-secret-with-dashes', 'p/')).toBe('p/my-secret-with-dashes');
  });

  it('reads the cached token from the companion secret', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(TOKEN) });

    // Act
    const cached = await new SecretsManagerTokenCache({ accountSecret: ACCOUNT, client }).get();

    // Assess
    expect(cached).toEqual(TOKEN);
    expect(secretsManager).toHaveReceivedCommandExactlyOnceWith(GetSecretValueCommand, { SecretId: COMPANION });
  });

  it.each([
    ['the placeholder', '{"token":"","expiresAt":"1970-01-01T00:00:00Z"}'],
    ['not JSON', 'placeholder'],
    ['a token without expiry', '{"token":"abc"}'],
    ['an unreadable expiry', '{"token":"abc","expiresAt":"soon"}'],
    ['a JSON string', '"abc"'],
  ])('finds no token in %s', async (_, secretString) => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString });

    // Act
    const cached = await new SecretsManagerTokenCache({ accountSecret: ACCOUNT, client }).get();

    // Assess
    expect(cached).toBeUndefined();
  });

  it('finds no token when the companion secret does not exist', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ $metadata: {}, message: 'not found' }));

    // Act
    const cached = await new SecretsManagerTokenCache({ accountSecret: ACCOUNT, client }).get();

    // Assess
    expect(cached).toBeUndefined();
  });

  it('names the companion secret when it may not be read', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(new SecretsManagerServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: {}, message: 'denied' }));

    // Act
    const attempt = new SecretsManagerTokenCache({ accountSecret: ACCOUNT, client }).get();

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConfigurationError);
    await expect(attempt).rejects.toThrow(`access to secret ${COMPANION} was denied`);
  });

  it('writes the token with a ClientRequestToken derived from it', async () => {
    // Prepare
    secretsManager.on(PutSecretValueCommand).resolves({});
    const cache = new SecretsManagerTokenCache({ accountSecret: ACCOUNT, client });
    const secretString = JSON.stringify(TOKEN);

    // Act
    await cache.put(TOKEN);
    await cache.put(TOKEN);
    await cache.put({ ...TOKEN, token: 'another-token' });

    // Assess
    const requestToken = clientRequestTokenFor(secretString);
    expect(requestToken).toMatch(UUID_SHAPE);
    expect(requestToken).not.toContain(TOKEN.token);
    expect(secretsManager).toHaveReceivedNthCommandWith(PutSecretValueCommand, 1, {
      SecretId: COMPANION,
      SecretString: secretString,
      ClientRequestToken: requestToken,
    });
    expect(secretsManager).toHaveReceivedNthCommandWith(PutSecretValueCommand, 2, { ClientRequestToken: requestToken });
    const third = secretsManager.commandCalls(PutSecretValueCommand)[2]?.args[0].input.ClientRequestToken;
    expect(third).toMatch(UUID_SHAPE);
    expect(third).not.toBe(requestToken);
  });

  it('names the companion secret, never the token, when writing fails', async () => {
    // Prepare
    secretsManager.on(PutSecretValueCommand).rejects(new ResourceNotFoundException({ $metadata: {}, message: 'not found' }));

    // Act
    const attempt = new SecretsManagerTokenCache({ accountSecret: ACCOUNT, client }).put(TOKEN);

    // Assess
    const error = await attempt.then(
      () => new Error('put succeeded'),
      (caught: unknown) => caught as Error,
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toBe(`secret ${COMPANION} was not found`);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(TOKEN.token);
  });
});
