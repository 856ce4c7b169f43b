import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidRequestError } from '../../functions/core/errors.js';
import { planBodies, type PlanItem, type PlanStats } from '../../functions/core/populate-bodies.js';
import { runPopulate } from '../../functions/core/populate.js';
import { parsePopulateRequest, type PopulateRequest } from '../../functions/core/populate-request.js';
import { exitCodeOfPopulate, type PopulateResult } from '../../functions/core/populate-result.js';
import {
  charCount,
  checkRecipient,
  extraDefaults,
  fromArray,
  fromJsonLines,
  type RecipientItem,
} from '../../functions/core/recipients.js';

const base = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  provider: 'kahuna',
  secret: 'campaign-ops/kahuna-prod',
  env: 'p',
  campaign_config: { campaign_id: 999, cred_type: 'email' },
  recipient_list: [{ k_to: ['a@example.com'] }],
  ...extra,
});

const issuesOf = (action: () => unknown): { field: string; problem: string }[] => {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return [...(error as InvalidRequestError).issues];
  }
  throw new Error('expected an InvalidRequestError');
};

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};

async function* chunks(parts: readonly (string | Uint8Array)[]): AsyncGenerator<string | Uint8Array> {
  for (const part of parts) yield part;
}

describe('Function: parsePopulateRequest', () => {
  it('reads the documented example (docs/contracts.md), direct or inside an EventBridge event', () => {
    // Prepare
    const request = {
      provider: 'kahuna',
      secret: 'campaign-ops/kahuna-prod',
      env: 's',
      campaign_config: { campaign_id: 999, cred_type: 'email', observe_rate_limiting: false, target_global_control: false },
      default_params: { k_send_ts: 1767225600, company: 'Acme' },
      recipient_list: [{ k_to: ['a@example.com'], department: 'writing' }],
    };
    const envelope = { version: '0', id: 'e1', 'detail-type': 'Populate Requested', source: 'release', detail: request };

    // Act
    const direct = parsePopulateRequest(request, { allowFile: false });
    const wrapped = parsePopulateRequest(envelope, { allowFile: false });

    // Assess
    expect(direct).toEqual({
      provider: 'kahuna',
      secret: 'campaign-ops/kahuna-prod',
      env: 's',
      campaignConfig: { campaign_id: 999, cred_type: 'email', observe_rate_limiting: false, target_global_control: false },
      defaultParams: { k_send_ts: 1767225600, company: 'Acme' },
      recipients: { kind: 'list', list: request.recipient_list },
      dryRun: false,
      wait: true,
      maxExtraParamChars: 235,
    });
    expect(wrapped).toEqual(direct);
  });

  it('reads recipients from S3, and from a file only where the caller allows it', () => {
    // Act
    const s3 = parsePopulateRequest(base({ recipient_list: undefined, recipients: { s3: 's3://my-bucket/lists/users.jsonl' } }), { allowFile: false });
    const file = parsePopulateRequest(base({ recipient_list: undefined, recipients: { file: 'users.jsonl' } }), { allowFile: true });
    const refused = issuesOf(() => parsePopulateRequest(base({ recipient_list: undefined, recipients: { file: 'users.jsonl' } }), { allowFile: false }));

    // Assess
    expect(s3.recipients).toEqual({ kind: 's3', url: 's3://my-bucket/lists/users.jsonl', bucket: 'my-bucket', key: 'lists/users.jsonl' });
    expect(file.recipients).toEqual({ kind: 'file', path: 'users.jsonl' });
    expect(refused).toEqual([{ field: 'recipients.file', problem: expect.stringMatching(/only on the command line/) }]);
  });

  it('wants exactly one source of recipients', () => {
    // Act
    const both = issuesOf(() => parsePopulateRequest(base({ recipients: { s3: 's3://b/k' } }), { allowFile: true }));
    const neither = issuesOf(() => parsePopulateRequest(base({ recipient_list: undefined }), { allowFile: true }));
    const twoRefs = issuesOf(() => parsePopulateRequest(base({ recipient_list: undefined, recipients: { s3: 's3://bucket/k', file: 'x' } }), { allowFile: true }));
    const badUrl = issuesOf(() => parsePopulateRequest(base({ recipient_list: undefined, recipients: { s3: 'https://bucket/k' } }), { allowFile: true }));
    const empty = issuesOf(() => parsePopulateRequest(base({ recipient_list: [] }), { allowFile: true }));

    // Assess
    expect(both.map((i) => i.field)).toEqual(['recipients']);
    expect(neither.map((i) => i.field)).toEqual(['recipient_list']);
    expect(twoRefs.map((i) => i.field)).toEqual(['recipients']);
    expect(badUrl.map((i) => i.field)).toEqual(['recipients.s3']);
    expect(empty).toEqual([{ field: 'recipient_list', problem: 'must hold at least one recipient' }]);
  });

  it('rejects unknown fields, other providers and a bad campaign_config, all at once', () => {
    // Act
    const issues = issuesOf(() =>
      parsePopulateRequest(
        base({ provider: 'ocamba', secret: 'no spaces allowed', campaign_config: { campaign_id: 1.5, cred_type: 'phone', campaignId: 3 }, wait: 'yes', extra: 1 }),
        { allowFile: true },
      ),
    );

    // Assess
    expect(issues.map((i) => i.field)).toEqual(
      expect.arrayContaining(['extra', 'provider', 'secret', 'campaign_config.campaignId', 'campaign_config.campaign_id', 'campaign_config.cred_type', 'wait']),
    );
    expect(issues.find((i) => i.field === 'campaign_config.cred_type')?.problem).toMatch(/dev_id, username, email, fbid, twtr, lnk, user_id, token, install_token, gplus_id/);
  });

  it('accepts a campaign id written as digits and every white-listed cred_type', () => {
    for (const credType of ['dev_id', 'username', 'email', 'fbid', 'twtr', 'lnk', 'user_id', 'token', 'install_token', 'gplus_id']) {
      // Act
      const request = parsePopulateRequest(base({ campaign_config: { campaign_id: '999', cred_type: credType } }), { allowFile: false });

      // Assess
      expect(request.campaignConfig).toEqual({ campaign_id: 999, cred_type: credType });
    }
  });

  it('checks default_params: k_send_ts, values, k_to misplaced, and their own size', () => {
    // Act
    const issues = issuesOf(() =>
      parsePopulateRequest(base({ default_params: { k_send_ts: -1, k_to: ['x'], flag: false, long: 'x'.repeat(300) } }), { allowFile: false }),
    );

    // Assess
    expect(issues.map((i) => i.field)).toEqual(['default_params.k_send_ts', 'default_params.k_to', 'default_params.flag', 'default_params']);
  });

  it('takes maxExtraParamChars, dryRun and wait', () => {
    // Act
    const request = parsePopulateRequest(base({ maxExtraParamChars: 1000, dryRun: true, wait: false }), { allowFile: false });
    const bad = issuesOf(() => parsePopulateRequest(base({ maxExtraParamChars: 0 }), { allowFile: false }));

    // Assess
    expect(request).toMatchObject({ maxExtraParamChars: 1000, dryRun: true, wait: false });
    expect(bad.map((i) => i.field)).toEqual(['maxExtraParamChars']);
  });
});

describe('Function: parsePopulateRequest (a long list of bad recipients)', () => {
  it('lists the first 50 problems by index and field and counts the rest in one line', () => {
    // Prepare
    const recipient_list = Array.from({ length: 60 }, () => ({ k_to: 'not-an-array' }));

    // Act
    const error = (() => {
      try {
        parsePopulateRequest(base({ recipient_list }), { allowFile: false });
      } catch (caught) {
        return caught as InvalidRequestError;
      }
      throw new Error('the request was accepted');
    })();

    // Assess
    expect(error.issues).toHaveLength(51);
    expect(error.issues[0]!.field).toBe('recipient_list[0].k_to');
    expect(error.issues[49]!.field).toBe('recipient_list[49].k_to');
    expect(error.issues[50]).toEqual({ field: 'recipient_list', problem: 'and 10 more problems (the first 50 are listed)' });
  });
});

describe('Function: checkRecipient', () => {
  const defaults = extraDefaults({ k_send_ts: 1767225600, company: 'Acme' });

  it('accepts numbers as extra parameter values and counts them as their text', () => {
    // Act
    const check = checkRecipient({ k_to: ['a', 'b'], level: 12, score: 1.5 }, defaults, 235);

    // Assess
    expect(check).toEqual({ ok: true, recipient: { k_to: ['a', 'b'], level: 12, score: 1.5 }, users: 2 });
  });

  it('counts characters as code points, so an emoji is one', () => {
    // Act
    const exactly = checkRecipient({ k_to: ['a'], m: '🎉'.repeat(9) }, extraDefaults(undefined), 10);
    const over = checkRecipient({ k_to: ['a'], m: '🎉'.repeat(10) }, extraDefaults(undefined), 10);

    // Assess
    expect(charCount('🎉🎉')).toBe(2);
    expect(exactly.ok).toBe(true);
    expect(over).toEqual({ ok: false, issues: [{ field: '', problem: expect.stringMatching(/11 characters/) }] });
  });

  it('does not count k_send_ts from default_params as an extra parameter', () => {
    // Act: "company" + "Acme" = 11 characters; the default k_send_ts is not a push parameter.
    const check = checkRecipient({ k_to: ['a'] }, defaults, 11);

    // Assess
    expect(check.ok).toBe(true);
  });

  it('rejects an empty parameter name and null values', () => {
    // Act
    const check = checkRecipient({ k_to: ['a'], '': 'x', gone: null }, defaults, 235);

    // Assess
    expect(check).toEqual({
      ok: false,
      issues: [
        { field: '""', problem: expect.stringMatching(/non-empty name/) },
        { field: 'gone', problem: expect.stringMatching(/string or a number, got null/) },
      ],
    });
  });
});

describe('Function: fromJsonLines', () => {
  it('splits lines across chunk boundaries, multi-byte characters included', async () => {
    // Prepare: "ü" is two bytes; split the stream between them.
    const bytes = Buffer.from('{"k_to":["z\u00fcrich"]}\n{"k_to":["b"]}', 'utf8');
    const cut = bytes.indexOf(0xc3) + 1;

    // Act
    const items = await collect(fromJsonLines(chunks([bytes.subarray(0, cut), bytes.subarray(cut, cut + 5), bytes.subarray(cut + 5)])));

    // Assess
    expect(items).toEqual([
      { line: 1, value: { k_to: ['zürich'] } },
      { line: 2, value: { k_to: ['b'] } },
    ]);
  });

  it('skips blank lines, strips CRLF and a BOM, and numbers lines as an editor does', async () => {
    // Act
    const items = await collect(fromJsonLines(chunks(['\uFEFF{"a":1}\r\n', '\r\n', '   \n{"a":', '2}\r\n', 'not json\n', '{"a":3}'])));

    // Assess
    expect(items).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 4, value: { a: 2 } },
      { line: 5, error: 'is not valid JSON' },
      { line: 6, value: { a: 3 } },
    ]);
  });

  it('reports an over-long line without holding it, and reads on', async () => {
    // Act
    const items = await collect(fromJsonLines(chunks(['{"a":"', 'x'.repeat(50), 'x'.repeat(50), '"}\n{"b":1}\n']), { maxLineChars: 40 }));

    // Assess
    expect(items).toEqual([
      { line: 1, error: 'is longer than 40 characters' },
      { line: 2, value: { b: 1 } },
    ]);
  });

  it('numbers an inline list by index', async () => {
    // Act
    const items = await collect(fromArray(['a', 'b']));

    // Assess
    expect(items).toEqual([
      { line: 0, value: 'a' },
      { line: 1, value: 'b' },
    ]);
  });
});

describe('Function: planBodies', () => {
  const request = (extra: Record<string, unknown> = {}): PopulateRequest =>
    parsePopulateRequest(base({ recipient_list: undefined, recipients: { s3: 's3://bucket/key' }, ...extra }), { allowFile: false });

  const plan = async (items: RecipientItem[], req: PopulateRequest, maxBodyBytes: number, maxRecipients: number) => {
    const stats: PlanStats = { recipients: 0, valid: 0, invalid: 0 };
    const out: PlanItem[] = await collect(planBodies(fromItems(items), req, { maxBodyBytes, maxRecipients, keepText: true }, stats));
    return { out, stats };
  };

  async function* fromItems(items: RecipientItem[]): AsyncGenerator<RecipientItem> {
    yield* items;
  }

  it('measures every body exactly, keeps it under the limit, and loses or repeats no recipient', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ k_to: fc.array(fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== ''), { minLength: 1, maxLength: 3 }), note: fc.string({ maxLength: 30 }) }),
          { minLength: 1, maxLength: 60 },
        ),
        fc.integer({ min: 400, max: 3_000 }),
        fc.integer({ min: 1, max: 20 }),
        async (recipients, maxBodyBytes, maxRecipients) => {
          // Prepare
          const req = request({ default_params: { company: 'Ünïcode Co' } });
          const items = recipients.map((value, i) => ({ line: i + 1, value }));

          // Act
          const { out, stats } = await plan(items, req, maxBodyBytes, maxRecipients);

          // Assess
          const bodies = out.flatMap((item) => (item.kind === 'body' ? [item.planned] : []));
          const sent: unknown[] = [];
          for (const body of bodies) {
            expect(Buffer.byteLength(body.body)).toBe(body.bytes);
            expect(body.bytes).toBeLessThan(maxBodyBytes);
            expect(body.recipients).toBeLessThanOrEqual(maxRecipients);
            const parsed = JSON.parse(body.body) as { campaign_config: unknown; default_params: unknown; recipient_list: unknown[] };
            expect(parsed.campaign_config).toEqual({ campaign_id: 999, cred_type: 'email' });
            expect(parsed.default_params).toEqual({ company: 'Ünïcode Co' });
            sent.push(...parsed.recipient_list);
          }
          const tooLarge = out.filter((item) => item.kind === 'invalid').map((item) => (item as { line: number }).line);
          expect(sent).toEqual(recipients.filter((_, i) => !tooLarge.includes(i + 1)));
          expect(stats).toEqual({ recipients: recipients.length, valid: recipients.length - tooLarge.length, invalid: tooLarge.length });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reports a recipient too large for any body by its line and plans the rest', async () => {
    // Prepare
    const items: RecipientItem[] = [
      { line: 1, value: { k_to: ['a'] } },
      { line: 2, value: { k_to: ['x'.repeat(500)] } },
      { line: 3, value: { k_to: ['b'] } },
    ];

    // Act
    const { out } = await plan(items, request(), 300, 100);

    // Assess
    expect(out.map((item) => (item.kind === 'body' ? ['body', item.planned.firstRecipient, item.planned.lastRecipient] : ['invalid', item.line]))).toEqual([
      ['invalid', 2],
      ['body', 1, 3],
    ]);
  });
});

describe('Function: runPopulate', () => {
  it('needs a client unless dry run, and an opened stream for recipients outside the request', async () => {
    // Prepare
    const inline = parsePopulateRequest(base(), { allowFile: false });
    const streamed = parsePopulateRequest(base({ recipient_list: undefined, recipients: { s3: 's3://bucket/key' }, dryRun: true }), { allowFile: false });

    // Act / Assess
    await expect(runPopulate(inline, {})).rejects.toThrow(ConfigurationError);
    await expect(runPopulate(streamed, {})).rejects.toThrow(/s3:\/\/bucket\/key were not opened/);
  });

  it('dry-runs a stream without a client, listing invalid lines and counting them all', async () => {
    // Prepare
    const req = parsePopulateRequest(base({ recipient_list: undefined, recipients: { s3: 's3://bucket/key' }, dryRun: true }), { allowFile: false });
    async function* lines(): AsyncGenerator<RecipientItem> {
      for (let line = 1; line <= 1_500; line += 1) yield line % 2 === 0 ? { line, value: { k_to: [] } } : { line, value: { k_to: [`u${line}`] } };
    }

    // Act
    const result = await runPopulate(req, { recipients: lines(), runId: 'r', now: () => new Date('2026-01-01T00:00:00Z') });

    // Assess
    expect(result.summary).toMatchObject({ recipients: 1_500, valid: 750, invalid: 750, requests: 1, submitted: 0 });
    expect(result.invalidRecipients).toHaveLength(750);
    expect(result.invalidRecipients[0]).toEqual({ line: 2, reason: 'k_to: must hold at least one user credential' });
    expect(result).toMatchObject({ runId: 'r', startedAt: '2026-01-01T00:00:00.000Z', source: 's3://bucket/key' });
  });

  it('caps the listing of invalid recipients at 1000', async () => {
    // Prepare
    const req = parsePopulateRequest(base({ recipient_list: undefined, recipients: { s3: 's3://bucket/key' }, dryRun: true }), { allowFile: false });
    async function* lines(): AsyncGenerator<RecipientItem> {
      for (let line = 1; line <= 1_200; line += 1) yield { line, error: 'is not valid JSON' };
    }

    // Act
    const result = await runPopulate(req, { recipients: lines() });

    // Assess
    expect(result.summary.invalid).toBe(1_200);
    expect(result.invalidRecipients).toHaveLength(1_000);
  });
});

describe('Function: exitCodeOfPopulate', () => {
  const result = (patch: Partial<PopulateResult['summary']>, statuses: string[], error?: string) =>
    ({
      summary: { recipients: 1, valid: 1, invalid: 0, requests: 1, submitted: 1, failedRequests: 0, jobsDone: 1, jobsFailed: 0, usersRequested: 1, usersScheduled: 1, usersNotFound: 0, ...patch },
      requests: statuses.map((status, index) => ({ index, firstRecipient: 0, lastRecipient: 0, recipients: 1, users: 1, bytes: 10, status })),
      ...(error ? { error } : {}),
    }) as unknown as PopulateResult;

  it('is 0 only when everything was accepted and no job failed', () => {
    expect(exitCodeOfPopulate(result({}, ['DONE', 'RUNNING', 'PENDING']))).toBe(0);
    expect(exitCodeOfPopulate(result({}, ['planned']))).toBe(0);
    expect(exitCodeOfPopulate(result({}, ['DONE', 'FAILED']))).toBe(1);
    expect(exitCodeOfPopulate(result({}, ['rejected']))).toBe(1);
    expect(exitCodeOfPopulate(result({}, ['failed']))).toBe(1);
    expect(exitCodeOfPopulate(result({ invalid: 1 }, ['DONE']))).toBe(1);
    expect(exitCodeOfPopulate(result({}, ['DONE'], 'reading the recipients failed'))).toBe(1);
  });
});

describe('Scenario: a populate asked to stop (Ctrl-C)', () => {
  it('sends no request after the stop, stops following its jobs, and says from which recipient on nothing was sent', async () => {
    // Prepare: one recipient per request; the stop comes while the second request is being sent.
    const req = parsePopulateRequest(
      base({ recipient_list: ['a', 'b', 'c', 'd', 'e'].map((u) => ({ k_to: [`${u}@example.com`] })) }),
      { allowFile: false },
    );
    const stop = new AbortController();
    const sent: string[] = [];
    let statusReads = 0;
    const client = {
      populate: async (_env: string, body: string) => {
        sent.push(body);
        if (sent.length === 2) stop.abort();
        return { jobId: `job-${sent.length}`, status: 'PENDING' as const };
      },
      jobStatus: async (_env: string, jobId: string) => {
        statusReads += 1;
        return { jobId, status: 'DONE' as const };
      },
    };

    // Act: status reads would wait forever; the stop must end the wait.
    const result = await runPopulate(req, {
      client,
      maxRecipientsPerRequest: 1,
      signal: stop.signal,
      sleep: () => new Promise<void>(() => {}),
    });

    // Assess
    expect(sent).toHaveLength(2);
    expect(statusReads).toBe(0);
    expect(result.interrupted).toBe(true);
    expect(result.summary).toMatchObject({ requests: 2, submitted: 2 });
    expect(result.error).toMatch(/^interrupted: no further request was sent; recipients from \d+ on were not sent$/);
    expect(result.requests.map((r) => r.detail)).toEqual([
      expect.stringMatching(/job-1 was PENDING when the run was interrupted/),
      expect.stringMatching(/job-2 was PENDING when the run was interrupted/),
    ]);
  });
});
