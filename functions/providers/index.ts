/**
 * The registry of vendors campaign-ops knows, and building a client for a request's account from its
 * secret. Adding a vendor is one module beside these and one line in VENDORS (docs/adding-a-vendor.md).
 */
import type { CampaignProvider } from '../core/campaign.js';
import { ConfigurationError } from '../core/errors.js';
import type { Log, SecretSource, Telemetry, TokenCache } from '../core/ports.js';
import type { PopulateClient } from '../core/populate-port.js';
import type { RetryPolicy } from '../core/retry.js';
import { accountOf } from '../core/secret-names.js';
import { VendorRegistry, kindsOf } from '../core/vendor.js';
import { deltadna } from './deltadna.js';
import { kahuna } from './kahuna.js';
import { ocamba } from './ocamba.js';

/** Every vendor of this build. */
const VENDORS = new VendorRegistry([deltadna, ocamba, kahuna]);

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

const clientContext = (account: string, context: Omit<ProviderContext, 'tokenCacheFor'>) => ({
  account,
  ...(context.log ? { log: context.log } : {}),
  ...(context.telemetry ? { telemetry: context.telemetry } : {}),
  ...(context.timeoutMs !== undefined ? { timeoutMs: context.timeoutMs } : {}),
  ...(context.retry ? { retry: context.retry } : {}),
  ...(context.deadline ? { deadline: context.deadline } : {}),
  ...(context.maxResponseBytes !== undefined ? { maxResponseBytes: context.maxResponseBytes } : {}),
});

/** The client a window of `vendorName` needs, for the account in `secret`, covering the kinds the request selects. */
const createWindowProvider = async (
  vendors: VendorRegistry,
  request: { readonly provider: string; readonly secret: string; readonly select?: { readonly kind?: string } },
  context: ProviderContext,
): Promise<CampaignProvider> => {
  const vendor = vendors.windowVendor(request.provider);
  if (!vendor) throw new ConfigurationError(`no vendor named ${request.provider} pauses campaigns (known: ${vendors.names('windows').join(', ')})`);
  const account = accountOf(request.secret);
  const secretString = await context.secrets.getSecretString(request.secret);
  return vendor.createProvider(request.secret, secretString, {
    ...clientContext(account, context),
    ...(vendor.cachesToken ? { tokenCache: context.tokenCacheFor(account) } : {}),
    kinds: kindsOf(vendor, request.select?.kind),
  });
};

/** The populate client for the account in `secret`. */
const createPopulateClient = async (
  vendors: VendorRegistry,
  request: { readonly provider: string; readonly secret: string },
  context: Omit<ProviderContext, 'tokenCacheFor'>,
): Promise<PopulateClient> => {
  const vendor = vendors.populateVendor(request.provider);
  if (!vendor) throw new ConfigurationError(`no vendor named ${request.provider} is populated (known: ${vendors.names('populate').join(', ')})`);
  const secretString = await context.secrets.getSecretString(request.secret);
  return vendor.createClient(request.secret, secretString, clientContext(accountOf(request.secret), context));
};

export { VENDORS, createWindowProvider, createPopulateClient };
export type { ProviderContext };
