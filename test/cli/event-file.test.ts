import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readEventFile } from '../../cli/local.js';
import { ConfigurationError } from '../../functions/core/errors.js';

describe('Function: readEventFile', () => {
  it('a request on stdin longer than 64 MiB is refused as it arrives, not read into memory whole', async () => {
    // Prepare: 1 MiB chunks without end
    let served = 0;
    const endless = Readable.from(
      (function* () {
        for (;;) {
          served += 1;
          yield Buffer.alloc(1024 * 1024, 0x20);
        }
      })(),
    );

    // Act
    const error = await readEventFile('-', endless).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('larger than 67108864 bytes');
    expect(served).toBeLessThanOrEqual(66);
  });

  it('reads a request from stdin', async () => {
    // Act
    const request = await readEventFile('-', Readable.from([Buffer.from('{"provider":'), Buffer.from('"ocamba"}')]));

    // Assess
    expect(request).toEqual({ provider: 'ocamba' });
  });
});
