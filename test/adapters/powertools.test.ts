import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { asLog, createLogger, createMetrics, RunTelemetry } from '../../functions/adapters/aws/powertools.js';
import { knownSecrets } from '../../functions/core/redact.js';

/** The EMF documents Powertools wrote on stdout during `act`. */
const emfWrittenBy = (act: () => void): Record<string, unknown>[] => {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    act();
  } finally {
    spy.mockRestore();
  }
  return lines
    .join('')
    .split('\n')
    .filter((l) => l.includes('_aws'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
};

describe('Class: RunTelemetry', () => {
  beforeEach(() => {
    vi.stubEnv('POWERTOOLS_DEV', '');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('sums a run\'s counters and writes them once with the service dimension, and again per provider', () => {
    // Prepare
    const telemetry = new RunTelemetry(createMetrics());
    telemetry.count('CampaignsChanged', 3);
    telemetry.count('CampaignsChanged', 2);
    telemetry.count('VendorRequests');

    // Act
    const documents = emfWrittenBy(() => telemetry.flush('ocamba'));

    // Assess
    expect(documents).toHaveLength(2);
    const [byService, byProvider] = documents as [Record<string, unknown>, Record<string, unknown>];
    expect(byService).toMatchObject({ service: 'campaign-ops', CampaignsChanged: 5, VendorRequests: 1 });
    expect(byService.provider).toBeUndefined();
    expect(JSON.stringify(byService._aws)).toContain('"Namespace":"CampaignOps"');
    expect(byProvider).toMatchObject({ service: 'campaign-ops', provider: 'ocamba', CampaignsChanged: 5 });
  });

  it('writes nothing when nothing was counted, and starts from zero after a flush', () => {
    // Prepare
    const telemetry = new RunTelemetry(createMetrics());
    telemetry.count('RunsFailed');
    emfWrittenBy(() => telemetry.flush(undefined));

    // Act
    const documents = emfWrittenBy(() => telemetry.flush(undefined));

    // Assess
    expect(documents).toEqual([]);
  });
});

describe('Function: asLog', () => {
  it('a log line never carries a credential the process has read, in its message or its fields', () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_DEV', '');
    knownSecrets.add('tok-logline-55aa77');
    const lines: string[] = [];
    const capture = (chunk: unknown): boolean => {
      lines.push(String(chunk));
      return true;
    };
    const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
    const log = asLog(createLogger());

    // Act
    try {
      log.error('vendor answered tok-logline-55aa77', { detail: { said: 'Bearer tok-logline-55aa77' } });
    } finally {
      for (const spy of spies) spy.mockRestore();
      vi.unstubAllEnvs();
    }

    // Assess
    const written = lines.join('');
    expect(written).toContain('[redacted]');
    expect(written).not.toContain('tok-logline-55aa77');
  });
});
