import { mkdtemp, rm, stat, writeFile, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FileTokenCache } from '../../functions/adapters/local/file-token-cache.js';

describe('Adapter: FileTokenCache', () => {
  const directories: string[] = [];
  let stateDir: string;
  const TOKEN = { token: 'vendor-token', expiresAt: '2026-11-23T06:00:00.000Z' };

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'campaign-ops-tokens-'));
    directories.push(stateDir);
  });

  afterAll(async () => {
    await Promise.all(directories.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('has no token before one is put, then the one put, in a file only its owner can read', async () => {
    // Prepare
    const cache = new FileTokenCache({ stateDir, account: 'campaign-ops/deltaslot-live' });

    // Act
    const before = await cache.get();
    await cache.put(TOKEN);
    const after = await new FileTokenCache({ stateDir, account: 'campaign-ops/deltaslot-live' }).get();

    // Assess
    expect(before).toBeUndefined();
    expect(after).toEqual(TOKEN);
    expect(cache.path).toBe(join(stateDir, 'tokens', 'campaign-ops%2Fdeltaslot-live.json'));
    expect((await stat(cache.path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dirname(cache.path))).toEqual(['campaign-ops%2Fdeltaslot-live.json']);
  });

  it('keeps accounts apart', async () => {
    // Prepare
    await new FileTokenCache({ stateDir, account: 'a' }).put(TOKEN);

    // Act
    const other = await new FileTokenCache({ stateDir, account: 'b' }).get();

    // Assess
    expect(other).toBeUndefined();
  });

  it('a token cached for the secret name is found by the secret ARN', async () => {
    // Prepare
    await new FileTokenCache({ stateDir, account: 'campaign-ops/deltaslot-live' }).put(TOKEN);

    // Act
    const byArn = new FileTokenCache({ stateDir, account: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:campaign-ops/deltaslot-live-AbCdEf' });

    // Assess
    expect(await byArn.get()).toEqual(TOKEN);
    expect(await readdir(join(stateDir, 'tokens'))).toEqual(['campaign-ops%2Fdeltaslot-live.json']);
  });

  it('treats an unreadable file as no token', async () => {
    // Prepare
    const cache = new FileTokenCache({ stateDir, account: 'a' });
    await mkdir(dirname(cache.path), { recursive: true });
    await writeFile(cache.path, 'garbage');

    // Act
    const token = await cache.get();

    // Assess
    expect(token).toBeUndefined();
  });
});
