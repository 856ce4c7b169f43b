/**
 * Builds the provider for a request from its account's secret. The one place that knows which vendor
 * module serves which provider name.
 */
import type { CampaignProvider, WindowProviderName } from '../core/campaign.js';
import type { Log, SecretSource, Telemetry, TokenCache } from '../core/ports.js';
import type { RetryPolicy } from '../core/retry.js';
import { DeltaDnaProvider, parseDeltaDnaCredentials } from './deltadna.js';
import { OcambaProvider, parseOcambaCredentials } from './ocamba.js';

interface ProviderContext {
  readonly secrets: SecretSource;
  /** The account's token cache (deltaDNA idToken); created per account by the caller. */
  readonly tokenCacheFor: (account: string) => TokenCache;
  readonly log?: Log;
  readonly telemetry?: Telemetry;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** When the run stops waiting out the vendor's 429s (epoch ms); a Lambda's is its remaining time. */
  readonly deadline?: () => number;
  /** The most bytes one vendor answer may have. */
  readonly maxResponseBytes?: number;
}

const createWindowProvider = async (
  provider: WindowProviderName,
  account: string,
  context: ProviderContext,
): Promise<CampaignProvider> => {
  const secretString = await context.secrets.getSecretString(account);
  const common = {
    ...(context.log ? { log: context.log } : {}),
    ...(context.telemetry ? { telemetry: context.telemetry } : {}),
    ...(context.timeoutMs !== undefined ? { timeoutMs: context.timeoutMs } : {}),
    ...(context.retry ? { retry: context.retry } : {}),
    ...(context.deadline ? { deadline: context.deadline } : {}),
    ...(context.maxResponseBytes !== undefined ? { maxResponseBytes: context.maxResponseBytes } : {}),
  };
  switch (provider) {
    case 'deltadna':
      return new DeltaDnaProvider({
        credentials: parseDeltaDnaCredentials(account, secretString),
        tokenCache: context.tokenCacheFor(account),
        ...common,
      });
    case 'ocamba':
      return new OcambaProvider({ credentials: parseOcambaCredentials(account, secretString), ...common });
  }
};

export { createWindowProvider };
export type { ProviderContext };
