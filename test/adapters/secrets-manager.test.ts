import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretsManagerSource, SecretUnavailableError } from '../../functions/adapters/aws/secrets-manager.js';
import { ConfigurationError } from '../../functions/core/errors.js';

const client = new SecretsManagerClient({ region: 'us-east-1' });
const secretsManager = mockClient(client);
const SECRET = 'campaign-ops/hood';
const VALUE = JSON.stringify({ token: 'ocamba-secret-token' });

const serviceError = (name: string): SecretsManagerServiceException =>
  new SecretsManagerServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message: `${name} happened` });

describe('Adapter: SecretsManagerSource', () => {
  let clockMs: number;
  const source = (): SecretsManagerSource => new SecretsManagerSource({ client, now: () => clockMs });

  beforeEach(() => {
    secretsManager.reset();
    clockMs = 1_000_000;
  });

  it('reads the SecretString of the secret named', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: VALUE });

    // Act
    const value = await source().getSecretString(SECRET);

    // Assess
    expect(value).toBe(VALUE);
    expect(secretsManager).toHaveReceivedCommandExactlyOnceWith(GetSecretValueCommand, { SecretId: SECRET });
  });

  it('serves a value from its cache for five minutes, then reads it again', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'v1' }).resolves({ SecretString: 'v2' });
    const secrets = source();

    // Act
    const first = await secrets.getSecretString(SECRET);
    clockMs += 5 * 60 * 1000 - 1;
    const cached = await secrets.getSecretString(SECRET);
    clockMs += 1;
    const fresh = await secrets.getSecretString(SECRET);

    // Assess
    expect([first, cached, fresh]).toEqual(['v1', 'v1', 'v2']);
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('takes a shorter max age, caches per secret and shares one request among concurrent callers', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).callsFake((input: { SecretId: string }) => ({ SecretString: `value of ${input.SecretId}` }));
    const secrets = new SecretsManagerSource({ client, now: () => clockMs, maxAgeMs: 1_000 });

    // Act
    const together = await Promise.all([secrets.getSecretString('a'), secrets.getSecretString('a'), secrets.getSecretString('b')]);
    clockMs += 1_000;
    await secrets.getSecretString('a');

    // Assess
    expect(together).toEqual(['value of a', 'value of a', 'value of b']);
    expect(secretsManager).toHaveReceivedCommandTimes(GetSecretValueCommand, 3);
  });

  it('names a secret that does not exist, and does not cache the failure', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(new ResourceNotFoundException({ $metadata: {}, message: "Secrets Manager can't find the specified secret." }))
      .resolves({ SecretString: VALUE });
    const secrets = source();

    // Act
    const missing = secrets.getSecretString(SECRET);

    // Assess
    await expect(missing).rejects.toThrow(new ConfigurationError(`secret ${SECRET} was not found`));
    await expect(missing).rejects.toBeInstanceOf(ConfigurationError);
    expect(await secrets.getSecretString(SECRET)).toBe(VALUE);
  });

  it('names the secret when access is denied', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).rejects(serviceError('AccessDeniedException'));

    // Act
    const attempt = source().getSecretString(SECRET);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConfigurationError);
    await expect(attempt).rejects.toThrow(`access to secret ${SECRET} was denied`);
  });

  it('refuses a secret without a SecretString', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });

    // Act
    const attempt = source().getSecretString(SECRET);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConfigurationError);
    await expect(attempt).rejects.toThrow(`secret ${SECRET} has no SecretString`);
  });

  it('reports throttling as a retryable failure naming the secret', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).rejects(serviceError('ThrottlingException'));

    // Act
    const attempt = source().getSecretString(SECRET);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(SecretUnavailableError);
    await expect(attempt).rejects.toMatchObject({ retryable: true, message: `secret ${SECRET} could not be read (ThrottlingException)` });
  });
});
