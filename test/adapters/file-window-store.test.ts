import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FileWindowStore } from '../../functions/adapters/local/file-window-store.js';
import type { WindowEntry } from '../../functions/core/ports.js';
import { windowStoreContract } from './window-store-contract.js';
import { ManualClock } from '../support/clock.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const writerScript = join(here, 'fixtures', 'file-store-writer.ts');
const directories: string[] = [];
const tempStateDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'campaign-ops-state-'));
  directories.push(dir);
  return dir;
};

afterAll(async () => {
  await Promise.all(directories.map((dir) => rm(dir, { recursive: true, force: true })));
});

windowStoreContract('FileWindowStore', async (now) => new FileWindowStore({ stateDir: await tempStateDir(), now }));

describe('Adapter: FileWindowStore', () => {
  const key = { provider: 'deltadna', account: 'campaign-ops/deltaslot-live', window: 'nightly' };
  const intent = { campaignId: '34751', name: 'Promo', before: 'running', beforeVendorStatus: 'ACTIVE', runId: 'run-1', at: '2026-11-22T21:00:00.000Z' } as const;
  let stateDir: string;

  beforeEach(async () => {
    stateDir = await tempStateDir();
  });

  it('keeps one JSON file per window in a directory per account, with names that cannot escape it', async () => {
    // Prepare
    const store = new FileWindowStore({ stateDir });
    const sneaky = { provider: 'ocamba', account: '../../etc', window: 'a/b:c' };

    // Act
    await store.beginPause(key, intent);
    await store.beginPause(sneaky, intent);

    // Assess
    const accounts = (await readdir(join(stateDir, 'windows'))).sort();
    expect(accounts).toEqual(['deltadna.campaign-ops%2Fdeltaslot-live', 'ocamba.%2E%2E%2F%2E%2E%2Fetc']);
    expect(await readdir(join(stateDir, 'windows', accounts[0]!))).toEqual(['nightly.json']);
    expect(await readdir(join(stateDir, 'windows', accounts[1]!))).toEqual(['a%2Fb%3Ac.json']);
    const content = JSON.parse(await readFile(store.windowPath(key), 'utf8')) as { entries: WindowEntry[] };
    expect(content).toMatchObject({ version: 1, ...key, entries: [{ campaignId: '34751', runId: 'run-1', state: 'pausing', updatedAt: intent.at }] });
  });

  it('a 512-character secret name and a 64-character window of dots give file names that fit, distinct and readable at the head', async () => {
    // Prepare
    const store = new FileWindowStore({ stateDir });
    const account = `campaign-ops/${'h'.repeat(499)}`;
    const long = { provider: 'ocamba', account, window: `n${'.'.repeat(63)}` };
    const other = { ...long, account: `${account.slice(0, -1)}i` };

    // Act
    await store.beginPause(long, intent);
    await store.beginPause(other, intent);
    await store.acquire({ provider: 'ocamba', account }, 'run-1', 1_000);

    // Assess
    const accounts = await readdir(join(stateDir, 'windows'));
    const leases = await readdir(join(stateDir, 'leases'));
    expect(accounts).toHaveLength(2);
    for (const name of accounts) {
      expect(name.length).toBeLessThanOrEqual(150);
      expect(name).toMatch(/^ocamba\.campaign-ops%2Fhhhh.*-[0-9a-f]{32}$/);
      const [file, ...more] = await readdir(join(stateDir, 'windows', name));
      expect(more).toEqual([]);
      expect(file!.length).toBeLessThanOrEqual(150 + '.json'.length);
      expect(file).toMatch(/^n%2E%2E.*-[0-9a-f]{32}\.json$/);
    }
    for (const name of leases) {
      expect(name.length).toBeLessThanOrEqual(150 + '.json'.length);
      expect(name).toMatch(/^ocamba\.campaign-ops%2Fhhhh.*-[0-9a-f]{32}\.json$/);
    }
    expect(await store.list(long)).toHaveLength(1);
  });

  it('leaves no temporary or lock files behind', async () => {
    // Prepare
    const store = new FileWindowStore({ stateDir });

    // Act
    await Promise.all(Array.from({ length: 5 }, (_, i) => store.beginPause(key, { ...intent, campaignId: `c-${i}` })));
    await store.acquire({ provider: 'deltadna', account: key.account }, 'run-1', 1_000);

    // Assess
    expect(await readdir(join(stateDir, 'windows'))).toEqual(['deltadna.campaign-ops%2Fdeltaslot-live']);
    expect(await readdir(join(stateDir, 'windows', 'deltadna.campaign-ops%2Fdeltaslot-live'))).toEqual(['nightly.json']);
    expect(await readdir(join(stateDir, 'leases'))).toEqual(['deltadna.campaign-ops%2Fdeltaslot-live.json']);
  });

  it('reads a window an earlier version kept in windows/<provider>.<account>.<window>.json, and moves it at its next change', async () => {
    // Prepare: what the previous layout wrote at 22:00, before the upgrade.
    const store = new FileWindowStore({ stateDir });
    const legacy = join(stateDir, 'windows', 'deltadna.campaign-ops%2Fdeltaslot-live.nightly.json');
    await mkdir(dirname(legacy), { recursive: true });
    await writeFile(legacy, JSON.stringify({ version: 1, ...key, entries: [{ ...intent, state: 'paused', updatedAt: intent.at }] }));

    // Act
    const listed = await store.list(key);
    await store.markResumed(key, '34751', '2026-11-23T05:00:00.000Z');

    // Assess
    expect(listed).toEqual([expect.objectContaining({ campaignId: '34751', state: 'paused', runId: 'run-1' })]);
    expect(await store.list(key)).toEqual([expect.objectContaining({ state: 'resumed' })]);
    await expect(stat(legacy)).rejects.toThrow(/ENOENT/);
    expect(await store.listAccount({ provider: key.provider, account: key.account })).toEqual([{ window: 'nightly', entry: expect.objectContaining({ state: 'resumed' }) }]);
  });

  it('refuses to overwrite a state file it cannot read, naming the file', async () => {
    // Prepare
    const store = new FileWindowStore({ stateDir });
    const path = store.windowPath(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, '{ not json');

    // Act
    const attempt = store.beginPause(key, intent);

    // Assess
    await expect(attempt).rejects.toThrow(`state file ${path} is not valid JSON`);
    expect(await readFile(path, 'utf8')).toBe('{ not json');
  });

  it('takes over a lock file left behind by a crashed process once it is stale', async () => {
    // Prepare
    const store = new FileWindowStore({ stateDir, lock: { staleMs: 5_000, timeoutMs: 10_000 } });
    const lockPath = `${store.windowPath(key)}.lock`;
    await mkdir(dirname(lockPath), { recursive: true });
    await writeFile(lockPath, JSON.stringify({ pid: 999_999 }));
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(lockPath, longAgo, longAgo);

    // Act
    const entry = await store.beginPause(key, intent);

    // Assess
    expect(entry.state).toBe('pausing');
    await expect(stat(lockPath)).rejects.toThrow(/ENOENT/);
  });

  it('waits on a fresh lock left behind by a crashed process until it turns stale, then takes it over', async () => {
    // Prepare: the lock file is written now; the store's clock starts at the same moment.
    const clock = new ManualClock(Date.now());
    const store = new FileWindowStore({ stateDir, clock, lock: { staleMs: 5_000, timeoutMs: 10_000 } });
    const lockPath = `${store.windowPath(key)}.lock`;
    await mkdir(dirname(lockPath), { recursive: true });
    await writeFile(lockPath, JSON.stringify({ pid: 999_999 }));
    const writtenAt = (await stat(lockPath)).mtimeMs;

    // Act
    const entry = await clock.run(store.beginPause(key, intent));

    // Assess: taken over once stale by the clock, before the timeout, without waiting in real time.
    expect(entry.state).toBe('pausing');
    expect(clock.now() - writtenAt).toBeGreaterThanOrEqual(5_000);
    expect(clock.now() - writtenAt).toBeLessThan(10_000);
    await expect(stat(lockPath)).rejects.toThrow(/ENOENT/);
  });

  it('waits for a fresh lock and gives up with a clear error when it is never released', async () => {
    // Prepare
    const clock = new ManualClock(Date.now());
    const store = new FileWindowStore({ stateDir, clock, lock: { staleMs: 60_000, timeoutMs: 300 } });
    const lockPath = `${store.windowPath(key)}.lock`;
    await mkdir(dirname(lockPath), { recursive: true });
    await writeFile(lockPath, JSON.stringify({ pid: 999_999 }));
    const started = clock.now();

    // Act: the store's clock lets its waits pass at once.
    const attempt = clock.run(store.beginPause(key, intent));

    // Assess
    await expect(attempt).rejects.toThrow(`lock ${lockPath} is still held after 300 ms`);
    expect(clock.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('loses no entry when two processes pause campaigns of the same window at once', async () => {
    // Prepare
    const own = 60;
    const shared = 30;
    const writer = (runId: string) =>
      run(process.execPath, ['--import', 'tsx', writerScript, stateDir, runId, String(own), String(shared)], {
        cwd: join(here, '..', '..'),
      });

    // Act
    const [a, b] = await Promise.all([writer('run-a'), writer('run-b')]);

    // Assess
    const listed = await new FileWindowStore({ stateDir }).list(key);
    expect(listed).toHaveLength(2 * own + shared);
    const winners = new Map(listed.map((entry) => [entry.campaignId, entry.runId]));
    for (const output of [a.stdout, b.stdout]) {
      const seen = JSON.parse(output) as WindowEntry[];
      expect(seen).toHaveLength(shared);
      // Each process was told the entry that is stored: whoever came first, both agree.
      for (const entry of seen) expect(entry.runId).toBe(winners.get(entry.campaignId));
    }
    for (let i = 0; i < own; i += 1) {
      expect(winners.get(`run-a-${i}`)).toBe('run-a');
      expect(winners.get(`run-b-${i}`)).toBe('run-b');
    }
  });
});
