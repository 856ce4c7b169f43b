/**
 * ResultPublisher for local runs and tests: keeps every published event in memory and, given a stream
 * (the CLI passes stderr), writes a one-line summary of each.
 */
import type { ResultPublisher } from '../../core/ports.js';

interface PublishedEvent {
  readonly detailType: string;
  readonly detail: object;
}

interface LocalPublisherOptions {
  /** Where to write the one-line summary; none: record only. */
  readonly stream?: { write(text: string): unknown };
}

/** `event "Campaigns Paused": selected 40, changed 37, ...` from the detail's summary counts, when it has them. */
const summaryLine = (detailType: string, detail: object): string => {
  const summary = (detail as { summary?: unknown }).summary;
  const counts =
    typeof summary === 'object' && summary !== null
      ? Object.entries(summary)
          .filter(([, value]) => typeof value === 'number')
          .map(([name, value]) => `${name} ${String(value)}`)
          .join(', ')
      : '';
  return `event "${detailType}"${counts ? `: ${counts}` : ''}\n`;
};

class LocalPublisher implements ResultPublisher {
  readonly published: PublishedEvent[] = [];
  readonly #stream: { write(text: string): unknown } | undefined;

  constructor(options: LocalPublisherOptions = {}) {
    this.#stream = options.stream;
  }

  async publish(detailType: string, detail: object): Promise<void> {
    this.published.push({ detailType, detail });
    this.#stream?.write(summaryLine(detailType, detail));
  }
}

export { LocalPublisher, summaryLine };
export type { LocalPublisherOptions, PublishedEvent };
