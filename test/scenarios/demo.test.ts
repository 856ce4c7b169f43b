import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';

describe('Command: campaign-ops demo (npm start)', () => {
  it('runs a whole night against the simulators and ends with every campaign as wanted', async () => {
    // Prepare
    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (chunk: Buffer) => chunks.push(chunk));

    // Act
    const code = await main(['demo'], { stdout, stderr: new PassThrough(), stdin: Readable.from([]) });
    const text = Buffer.concat(chunks).toString('utf8');

    // Assess
    expect(code).toBe(0);
    expect(text).toMatch(/DRY RUN: pause · deltadna/);
    expect(text).toMatch(/34756\s+Promo Free Spins\s+running\s+resumed by someone during window nightly/);
    expect(text).toMatch(/1000244\s+Weekend Deals\s+ended\s+ended during window nightly/);
    expect(text).toContain('"Halloween Bonus" (34752), paused by a person before the window, is still PAUSED.');
    expect(text).toMatch(/jobs 1 done, 0 failed; users 2 scheduled, 1 not found/);
  }, 60_000);
});
