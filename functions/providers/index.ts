/**
 * The registry of vendors campaign-ops knows, and building a client for a request's account from its
 * secret. Adding a vendor is one module beside these and one line in VENDORS (docs/adding-a-vendor.md).
 */
import type { CampaignProvider } from '../core/campaign.js';
import { ConfigurationError } from '../core/errors.js';
import type { SecretSource, TokenCache } from '../core/ports.js';
import type { PopulateClient } from '../core/populate-port.js';
import { accountOf } from '../core/secret-names.js';
import { VendorRegistry, kindsOf, type ClientContext } from '../core/vendor.js';
import { deltadna } from './deltadna.js';
import { kahuna } from './kahuna.js';
import { ocamba } from './ocamba.js';

/** Every vendor of this build. */
const VENDORS = new VendorRegistry([deltadna, ocamba, kahuna]);

/** Where a client runs: its secrets, its token caches, and the HTTP settings every client takes. */
interface ProviderContext extends Omit<ClientContext, 'account' | 'tokenCache'> {
  readonly secrets: SecretSource;
  /** The account's token cache (deltaDNA idToken); created per account by the caller. */
  readonly tokenCacheFor: (account: string) => TokenCache;
}

const clientContext = (account: string, context: Omit<ProviderContext, 'tokenCacheFor'>): ClientContext => {
  const { secrets: _secrets, ...settings } = context;
  return { ...settings, account };
};

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
