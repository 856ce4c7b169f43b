/** SecretsManagerSource and SecretsManagerTokenCache against moto. */
import {
  CreateSecretCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SecretsManagerSource } from '../../functions/adapters/aws/secrets-manager.js';
import { SecretsManagerTokenCache } from '../../functions/adapters/aws/token-cache.js';
import { ConfigurationError } from '../../functions/core/errors.js';
import { motoClientConfig, startMoto } from '../support/moto.js';
import type { Moto } from '../support/moto.js';

const ACCOUNT = 'campaign-ops/deltaslot-live';
const COMPANION = `campaign-ops/token-cache/${ACCOUNT}`;
const PLACEHOLDER = '{"token":"","expiresAt":"1970-01-01T00:00:00Z"}';
let moto: Moto;
let client: SecretsManagerClient;

beforeAll(async () => {
  moto = await startMoto();
  client = new SecretsManagerClient(motoClientConfig(moto.endpoint));
});

afterAll(async () => {
  client?.destroy();
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
});

describe('Adapter: SecretsManagerSource on moto', () => {
  it('reads a secret by name and by ARN', async () => {
    // Prepare
    const value = JSON.stringify({ key: 'k', password: 'p', baseUrl: 'http://127.0.0.1:4000' });
    const created = await client.send(new CreateSecretCommand({ Name: ACCOUNT, SecretString: value }));
    const secrets = new SecretsManagerSource({ client });

    // Act
    const byName = await secrets.getSecretString(ACCOUNT);
    const byArn = await secrets.getSecretString(created.ARN ?? '');

    // Assess
    expect(byName).toBe(value);
    expect(byArn).toBe(value);
  });

  it('names a secret that does not exist', async () => {
    // Prepare
    const secrets = new SecretsManagerSource({ client });

    // Act
    const attempt = secrets.getSecretString('campaign-ops/missing');

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConfigurationError);
    await expect(attempt).rejects.toThrow('secret campaign-ops/missing was not found');
  });
});

describe('Adapter: SecretsManagerTokenCache on moto', () => {
  it('finds no token in the placeholder the stack creates, then the one it put', async () => {
    // Prepare
    await client.send(new CreateSecretCommand({ Name: COMPANION, SecretString: PLACEHOLDER }));
    const cache = new SecretsManagerTokenCache({ accountSecret: ACCOUNT, client, prefix: 'campaign-ops/token-cache/' });
    const token = { token: 'id-token-1', expiresAt: '2026-11-23T06:00:00.000Z' };

    // Act
    const before = await cache.get();
    await cache.put(token);
    const after = await cache.get();

    // Assess
    expect(before).toBeUndefined();
    expect(after).toEqual(token);
  });

  it('finds the companion secret of an account given by ARN, and no token when it is missing', async () => {
    // Prepare
    const account = await client.send(new CreateSecretCommand({ Name: ACCOUNT, SecretString: '{}' }));
    const cache = new SecretsManagerTokenCache({ accountSecret: account.ARN ?? '', client, prefix: 'campaign-ops/token-cache/' });

    // Act
    const missing = await cache.get();
    await client.send(new CreateSecretCommand({ Name: COMPANION, SecretString: JSON.stringify({ token: 't', expiresAt: '2030-01-01T00:00:00Z' }) }));
    const found = await cache.get();

    // Assess
    expect(cache.secretName).toBe(COMPANION);
    expect(missing).toBeUndefined();
    expect(found).toEqual({ token: 't', expiresAt: '2030-01-01T00:00:00Z' });
  });

  it('writes the same token once however often it is put', async () => {
    // Prepare
    await client.send(new CreateSecretCommand({ Name: COMPANION, SecretString: PLACEHOLDER }));
    const cache = new SecretsManagerTokenCache({ accountSecret: ACCOUNT, client, prefix: 'campaign-ops/token-cache/' });
    const token = { token: 'id-token-1', expiresAt: '2026-11-23T06:00:00.000Z' };

    // Act
    await Promise.all([cache.put(token), cache.put(token)]);
    await cache.put(token);

    // Assess
    const versions = await client.send(new ListSecretVersionIdsCommand({ SecretId: COMPANION }));
    expect(versions.Versions).toHaveLength(2);
    expect(await cache.get()).toEqual(token);
  });

  it('lets two containers refreshing at once both write; the last write wins', async () => {
    // Prepare
    await client.send(new CreateSecretCommand({ Name: COMPANION, SecretString: PLACEHOLDER }));
    const containerA = new SecretsManagerTokenCache({ accountSecret: ACCOUNT, client, prefix: 'campaign-ops/token-cache/' });
    const containerB = new SecretsManagerTokenCache({ accountSecret: ACCOUNT, client, prefix: 'campaign-ops/token-cache/' });
    const tokenA = { token: 'token-a', expiresAt: '2026-11-23T06:00:00.000Z' };
    const tokenB = { token: 'token-b', expiresAt: '2026-11-23T06:00:01.000Z' };

    // Act
    await Promise.all([containerA.put(tokenA), containerB.put(tokenB)]);

    // Assess
    const stored = await containerA.get();
    expect([tokenA, tokenB]).toContainEqual(stored);
    expect(await containerB.get()).toEqual(stored);
  });
});
