import { describe, expect, it } from 'vitest';
import { MemoryTokenCache, MemoryWindowStore } from '../../functions/adapters/local/memory.js';
import { windowStoreContract } from './window-store-contract.js';

windowStoreContract('MemoryWindowStore', (now) => new MemoryWindowStore({ now }));

describe('Adapter: MemoryTokenCache', () => {
  it('starts empty, or with the token it is given, and keeps what is put', async () => {
    // Prepare
    const empty = new MemoryTokenCache();
    const seeded = new MemoryTokenCache({ token: 'seed', expiresAt: '2030-01-01T00:00:00.000Z' });

    // Act
    const before = await empty.get();
    await empty.put({ token: 'fresh', expiresAt: '2030-01-02T00:00:00.000Z' });

    // Assess
    expect(before).toBeUndefined();
    expect(await empty.get()).toEqual({ token: 'fresh', expiresAt: '2030-01-02T00:00:00.000Z' });
    expect(empty.puts).toBe(1);
    expect(await seeded.get()).toEqual({ token: 'seed', expiresAt: '2030-01-01T00:00:00.000Z' });
  });
});
