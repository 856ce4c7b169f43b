import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSecretSource } from '../../functions/adapters/local/file-secrets.js';
import { ConfigurationError } from '../../functions/core/errors.js';

describe('Adapter: FileSecretSource', () => {
  let dir: string;
  const file = (name: string): string => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'campaign-ops-secrets-'));
    await writeFile(
      file('secrets.json'),
      JSON.stringify({
        'campaign-ops/hood': { token: 'ocamba-token', baseUrl: 'http://127.0.0.1:4010' },
        'campaign-ops/plain': 'as-is',
      }),
    );
    await writeFile(file('broken.json'), '{\n  "campaign-ops/hood": { "token": hunter2 }\n}');
    await writeFile(file('array.json'), '["a"]');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves an object as its JSON and a string as it is', async () => {
    // Prepare
    const secrets = new FileSecretSource({ path: file('secrets.json') });

    // Act
    const hood = await secrets.getSecretString('campaign-ops/hood');
    const plain = await secrets.getSecretString('campaign-ops/plain');

    // Assess
    expect(JSON.parse(hood)).toEqual({ token: 'ocamba-token', baseUrl: 'http://127.0.0.1:4010' });
    expect(plain).toBe('as-is');
  });

  it('finds a secret named by ARN under its name', async () => {
    // Prepare
    const secrets = new FileSecretSource({ path: file('secrets.json') });

    // Act
    const value = await secrets.getSecretString('arn:aws:secretsmanager:eu-central-1:123456789012:secret:campaign-ops/plain-Ab12Cd');

    // Assess
    expect(value).toBe('as-is');
  });

  it('names the secrets it has, never their values, when asked for another', async () => {
    // Prepare
    const secrets = new FileSecretSource({ path: file('secrets.json') });

    // Act
    const attempt = secrets.getSecretString('campaign-ops/kahuna');

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConfigurationError);
    await expect(attempt).rejects.toThrow(
      `secret campaign-ops/kahuna is not in ${file('secrets.json')} (it has: campaign-ops/hood, campaign-ops/plain)`,
    );
  });

  it('names a missing file', async () => {
    // Prepare
    const secrets = new FileSecretSource({ path: file('nowhere.json') });

    // Act
    const attempt = secrets.getSecretString('campaign-ops/hood');

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ConfigurationError);
    await expect(attempt).rejects.toThrow(`secrets file ${file('nowhere.json')} was not found`);
  });

  it('names a file that is not JSON without quoting it', async () => {
    // Prepare
    const secrets = new FileSecretSource({ path: file('broken.json') });

    // Act
    const error = await secrets.getSecretString('campaign-ops/hood').then(
      () => new Error('read'),
      (caught: unknown) => caught as Error,
    );

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(new RegExp(`^secrets file ${file('broken.json')} is not valid JSON`));
    expect(error.message).not.toContain('hunter2');
    expect(error.cause).toBeUndefined();
  });

  it('names a file that is JSON but not a map of secrets', async () => {
    // Prepare
    const secrets = new FileSecretSource({ path: file('array.json') });

    // Act
    const attempt = secrets.getSecretString('a');

    // Assess
    await expect(attempt).rejects.toThrow(`secrets file ${file('array.json')} must hold a JSON object`);
  });
});
