import { describe, expect, it } from 'vitest';
import { LocalPublisher } from '../../functions/adapters/local/stdout-publisher.js';

describe('Adapter: LocalPublisher', () => {
  it('records every event and writes one summary line each to the stream', async () => {
    // Prepare
    const lines: string[] = [];
    const publisher = new LocalPublisher({ stream: { write: (text: string) => lines.push(text) } });
    const detail = { action: 'pause', summary: { selected: 40, changed: 37, unchanged: 2, rejected: 1, failed: 0 }, campaigns: [] };

    // Act
    await publisher.publish('Campaigns Paused', detail);
    await publisher.publish('Run Failed', { error: 'boom' });

    // Assess
    expect(publisher.published).toEqual([
      { detailType: 'Campaigns Paused', detail },
      { detailType: 'Run Failed', detail: { error: 'boom' } },
    ]);
    expect(lines).toEqual([
      'event "Campaigns Paused": selected 40, changed 37, unchanged 2, rejected 1, failed 0\n',
      'event "Run Failed"\n',
    ]);
  });

  it('records quietly without a stream', async () => {
    // Prepare
    const publisher = new LocalPublisher();

    // Act
    await publisher.publish('Campaigns Resumed', { summary: {} });

    // Assess
    expect(publisher.published).toHaveLength(1);
  });
});
