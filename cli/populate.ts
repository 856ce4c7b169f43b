/**
 * `campaign-ops populate`: a Kahuna populate run from the command line. Recipients inline, or a local
 * JSON Lines file streamed line by line (`"recipients": { "file": "path.jsonl" }`).
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { FileSecretSource } from '../functions/adapters/local/file-secrets.js';
import { ConfigurationError, ExitStatus } from '../functions/core/errors.js';
import { runPopulate } from '../functions/core/populate.js';
import { parsePopulateRequest } from '../functions/core/populate-request.js';
import { exitCodeOfPopulate, type PopulateResult } from '../functions/core/populate-result.js';
import { fromJsonLines } from '../functions/core/recipients.js';
import { VENDORS, createPopulateClient } from '../functions/providers/index.js';
import type { CliOptions } from './args.js';
import { EXIT_INTERRUPTED } from './interrupt.js';
import { readEventFile } from './local.js';
import type { Io } from './io.js';
import { printable, printableJson } from './printable.js';
import { renderPopulateResult } from './render.js';

interface LocalPopulateOptions {
  readonly secretsFile: string;
  readonly dryRun?: boolean;
  /** Where to say what is being sent. */
  readonly progress?: NodeJS.WritableStream;
  /** Status reads of a job; the vendor asks for at most one every 30 s (the default). */
  readonly pollIntervalMs?: number;
  /** Ctrl-C: send no further request, report what was sent. */
  readonly signal?: AbortSignal;
}

/** Runs a populate request locally, as the Lambda would: credentials from the secrets file, recipients inline or from a file. */
const populateLocally = async (input: unknown, options: LocalPopulateOptions): Promise<PopulateResult> => {
  const parsed = parsePopulateRequest(input, { allowFile: true });
  const request = options.dryRun ? { ...parsed, dryRun: true } : parsed;
  let recipients;
  if (request.recipients.kind === 'file') {
    const path = request.recipients.path;
    await access(path).catch((error: unknown) => {
      throw new ConfigurationError(`recipients file ${path} could not be read (${(error as { code?: string }).code ?? 'error'})`);
    });
    recipients = fromJsonLines(createReadStream(path));
  } else if (request.recipients.kind === 's3') {
    throw new ConfigurationError('recipients.s3 is read by the Lambda; locally, download the object and use recipients.file');
  }
  const client = await createPopulateClient(VENDORS, request, { secrets: new FileSecretSource({ path: options.secretsFile }) });
  options.progress?.write(`populate: sending to ${request.provider} campaign ${printable(request.campaignConfig.campaign_id)} (env ${printable(request.env)})...\n`);
  return runPopulate(request, {
    client,
    runId: randomUUID(),
    ...(recipients ? { recipients } : {}),
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
};

const runLocalPopulate = async (options: CliOptions, io: Io): Promise<number> => {
  const input = await readEventFile(options.event!, io.stdin);
  const result = await populateLocally(input, {
    secretsFile: options.secrets,
    dryRun: options.dryRun,
    progress: io.stderr,
    ...(io.signal ? { signal: io.signal } : {}),
  });
  io.stdout.write(options.json ? `${printableJson(result)}\n` : renderPopulateResult(result));
  if (result.interrupted) {
    // Not "run again": that would send the sent requests twice. The table says which were sent.
    io.stderr.write('interrupted: the requests listed were sent, the rest were not; send only the rest again\n');
    return EXIT_INTERRUPTED;
  }
  return populateExitStatus(result);
};

/** The command's exit status for a populate that ran: as the result says, but 2 when the vendor refused the credentials before accepting anything (nothing was done). */
const populateExitStatus = (result: PopulateResult): number =>
  result.accountRefused && result.summary.submitted === 0 ? ExitStatus.nothingDone : exitCodeOfPopulate(result);

export { runLocalPopulate, populateLocally, populateExitStatus };
