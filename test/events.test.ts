import { readdirSync, readFileSync, createReadStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePopulateRequest } from '../functions/core/populate-request.js';
import { fromJsonLines } from '../functions/core/recipients.js';
import { parseWindowRequest } from '../functions/core/request.js';
import { EVENTS } from '../functions/settings.js';
import { VENDORS } from '../functions/providers/index.js';

const EVENTS_DIR = new URL('../events/', import.meta.url).pathname;
const samples = readdirSync(EVENTS_DIR).filter((name) => name.endsWith('.json'));
const read = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(EVENTS_DIR, name), 'utf8')) as Record<string, unknown>;

/** What each sample is for, from its name or its EventBridge detail-type. */
const kindOf = (name: string): 'pause' | 'resume' | 'populate' | 'window-trigger' => {
  const sample = read(name);
  const detailType = sample['detail-type'];
  if (detailType === EVENTS.maintenanceStarted || detailType === EVENTS.maintenanceFinished) return 'window-trigger';
  if (detailType === EVENTS.pauseRequested || /pause/.test(name) && !/populate/.test(name)) return 'pause';
  if (detailType === EVENTS.resumeRequested || /resume/.test(name)) return 'resume';
  if (detailType === EVENTS.populateRequested || /populate/.test(name)) return 'populate';
  throw new Error(`events/${name}: cannot tell what this sample is for`);
};

describe('Samples: events/', () => {
  it('has a sample for each provider and action', () => {
    expect(samples).toEqual(expect.arrayContaining(['deltadna-pause.json', 'deltadna-resume.json', 'ocamba-pause.json', 'ocamba-resume.json', 'kahuna-populate.json']));
  });

  it.each(samples)('%s is valid against the parser for what it is', (name) => {
    // Prepare
    const sample = read(name);
    const kind = kindOf(name);

    // Act
    const parse = () => {
      if (kind === 'pause' || kind === 'resume') return parseWindowRequest(sample, kind, VENDORS);
      if (kind === 'populate') return parsePopulateRequest(sample, { allowFile: true });
      return (sample.detail as { window?: unknown }).window;
    };

    // Assess
    expect(parse).not.toThrow();
    if (kind === 'window-trigger') expect(parse()).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
  });

  it('recipients-sample.jsonl holds only valid JSON lines', async () => {
    // Act
    const items = [];
    for await (const item of fromJsonLines(createReadStream(join(EVENTS_DIR, 'recipients-sample.jsonl')))) items.push(item);

    // Assess
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((item) => 'value' in item)).toBe(true);
  });
});
