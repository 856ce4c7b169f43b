/**
 * The local edition of the Lambdas' wiring: secrets from a JSON file, window state and token caches
 * under a state directory, progress on stderr.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { FileSecretSource } from '../functions/adapters/local/file-secrets.js';
import { FileTokenCache } from '../functions/adapters/local/file-token-cache.js';
import { FileWindowStore } from '../functions/adapters/local/file-window-store.js';
import type { Clock } from '../functions/core/clock.js';
import type { CampaignProvider } from '../functions/core/campaign.js';
import { ConfigurationError, InvalidRequestError } from '../functions/core/errors.js';
import { quote } from '../functions/core/validation.js';
import type { Log } from '../functions/core/ports.js';
import type { WindowAction } from '../functions/core/request.js';
import { parseWindowRequest, type WindowRequest } from '../functions/core/request.js';
import { runWindow } from '../functions/core/window-run.js';
import type { WindowResult } from '../functions/core/result.js';
import { VENDORS, createWindowProvider } from '../functions/providers/index.js';
import type { VendorRegistry } from '../functions/core/vendor.js';

const LOCAL_LEASE_TTL_MS = 6_000;

interface LocalContext {
  readonly secretsFile: string;
  readonly stateDir: string;
  readonly log?: Log;
  /** The vendors this command knows; the build's own by default. */
  readonly vendors?: VendorRegistry;
  /** Times the account lease and the state files' locks; default the system clock. */
  readonly clock?: Clock;
}

/** The largest request read from a file or stdin; a longer recipient list belongs in `recipients.file`. */
const MAX_EVENT_BYTES = 64 * 1024 * 1024;

/** Reads a request file (or stdin for "-"), at most MAX_EVENT_BYTES; a file that is missing, too large or not JSON is a configuration error. */
const readEventFile = async (path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<unknown> => {
  const tooLarge = (): ConfigurationError =>
    new ConfigurationError(`event file ${path === '-' ? '(stdin)' : path} is larger than ${MAX_EVENT_BYTES} bytes (put long recipient lists in recipients.file)`);
  let text: string;
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of path === '-' ? stdin : createReadStream(path)) {
      size += (chunk as Buffer).length;
      if (size > MAX_EVENT_BYTES) throw tooLarge();
      chunks.push(Buffer.from(chunk as Buffer));
    }
    text = Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError(`event file ${path} could not be read (${(error as { code?: string }).code ?? 'error'})`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`event file ${path === '-' ? '(stdin)' : path} is not valid JSON: ${(error as Error).message}`);
  }
};

const localProvider = (request: { provider: string; secret: string; select?: { kind?: string } }, context: LocalContext): Promise<CampaignProvider> =>
  createWindowProvider(context.vendors ?? VENDORS, request, {
    secrets: new FileSecretSource({ path: context.secretsFile }),
    tokenCacheFor: (name) => new FileTokenCache({ stateDir: context.stateDir, account: name }),
    ...(context.log ? { log: context.log } : {}),
  });

/** A `--provider` of the command line: a vendor whose campaigns windows pause and resume. */
const checkProviderName = (value: string | undefined, vendors: VendorRegistry = VENDORS): string => {
  if (vendors.windowVendor(value)) return value!;
  throw new InvalidRequestError([{ field: 'provider', problem: `must be one of ${vendors.names('windows').join(', ')}, got ${quote(value)}` }], {
    subject: 'command line',
  });
};

/** Runs a window's pause or resume locally, as the Lambda would, with the file store. */
const runLocalWindow = async (
  input: unknown,
  action: WindowAction,
  context: LocalContext & { dryRun?: boolean; onProgress?: Parameters<typeof runWindow>[1]['onProgress']; signal?: AbortSignal },
): Promise<WindowResult> => {
  const parsed = parseWindowRequest(input, action, context.vendors ?? VENDORS);
  const request: WindowRequest = context.dryRun ? { ...parsed, dryRun: true } : parsed;
  const provider = await localProvider(request, context);
  const store = new FileWindowStore({ stateDir: context.stateDir, ...(context.clock ? { clock: context.clock } : {}) });
  return runWindow(request, {
    provider,
    store,
    lease: store,
    // A person at a terminal: an interrupted run frees the account within seconds, not a minute.
    leaseTtlMs: LOCAL_LEASE_TTL_MS,
    ...(context.clock ? { leaseClock: context.clock } : {}),
    runId: randomUUID(),
    ...(context.log ? { log: context.log } : {}),
    ...(context.onProgress ? { onProgress: context.onProgress } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
  });
};

export { readEventFile, localProvider, runLocalWindow, checkProviderName };
export type { LocalContext };
