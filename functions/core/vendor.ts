/**
 * What a vendor declares about itself, once, for the rest to read: its name, the credentials its secret
 * holds, what a selection may use, its limits, how its statuses map, and how to build its client.
 * Request validation, the CLI, the stack and the simulators' secrets all read these descriptors through
 * a registry; the core never names a vendor. Each vendor's descriptor lives beside its client in
 * `functions/providers/`.
 */
import type { CampaignProvider, CampaignStatus } from './campaign.js';
import type { Log, Telemetry, TokenCache } from './ports.js';
import type { PopulateClient } from './populate-port.js';
import type { RateWindow } from './rate-limiter.js';
import type { RetryPolicy } from './retry.js';

/** What a vendor's campaigns are for here: windows pause and resume them; populate adds recipients. */
const VendorCapability = { windows: 'windows', populate: 'populate' } as const;
type VendorCapability = (typeof VendorCapability)[keyof typeof VendorCapability];

/** The secret's JSON: these string fields, and an optional `baseUrl` (the vendor's default otherwise). */
interface CredentialShape {
  readonly fields: readonly string[];
  readonly defaultBaseUrl: string;
}

/** One account's limits as the vendor documents them (or as we bound ourselves where it documents none). */
interface VendorLimits {
  /** Requests of one account in flight at once. */
  readonly maxInFlight: number;
  /** Rate windows that all apply (Ocamba: 10 a second and 150 a minute); none where the vendor has none. */
  readonly windows: readonly RateWindow[];
}

/** What a window's `select` may use with this vendor. */
interface SelectionRules {
  /** Campaigns live in environments the key can see: `select.environment` or `select.allEnvironments` is required. */
  readonly environments: boolean;
  /** Campaigns carry labels `select.labels` can match. */
  readonly labels: boolean;
  /** Kinds of campaign a window can select with `select.kind`; the first is the default. Empty: one kind. */
  readonly kinds: readonly string[];
  /** The vendor's campaign-id form: ids go into URL paths, so only this form passes. */
  readonly campaignId: { readonly pattern: RegExp; readonly description: string };
}

/** What building a client needs from where it runs (Lambda or CLI). */
interface ClientContext {
  /** The account: the secret's name, one form whatever the request said. */
  readonly account: string;
  readonly tokenCache?: TokenCache;
  readonly log?: Log;
  readonly telemetry?: Telemetry;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** When vendor calls stop waiting out 429s (epoch ms). */
  readonly deadline?: () => number;
  readonly maxResponseBytes?: number;
}

interface VendorBase {
  /** As requests and configuration name it: "deltadna". */
  readonly name: string;
  /** As people call it: "deltaDNA Engage". */
  readonly title: string;
  readonly credentials: CredentialShape;
  readonly limits: VendorLimits;
  /** The vendor's statuses and the shared word for each (case-insensitive). */
  readonly statuses: Readonly<Record<string, CampaignStatus>>;
}

interface WindowVendor extends VendorBase {
  readonly capability: typeof VendorCapability.windows;
  readonly selection: SelectionRules;
  /** Keeps a session token between runs (a companion secret on AWS, a file locally). */
  readonly cachesToken: boolean;
  /** Builds the client for one account from its secret; `kinds` are the campaign kinds the run covers. */
  createProvider(secretName: string, secretString: string, context: ClientContext & { readonly kinds: readonly string[] }): CampaignProvider;
}

interface PopulateVendor extends VendorBase {
  readonly capability: typeof VendorCapability.populate;
  createClient(secretName: string, secretString: string, context: ClientContext): PopulateClient;
}

type VendorDescriptor = WindowVendor | PopulateVendor;

/** `select.kind` naming every kind of a vendor that has several. */
const ALL_KINDS = 'all';

/** The vendors a deployment knows, looked up by name. */
class VendorRegistry {
  readonly #vendors: ReadonlyMap<string, VendorDescriptor>;

  constructor(vendors: readonly VendorDescriptor[]) {
    const byName = new Map<string, VendorDescriptor>();
    for (const vendor of vendors) {
      if (byName.has(vendor.name)) throw new Error(`two vendors are named ${vendor.name}`);
      byName.set(vendor.name, vendor);
    }
    this.#vendors = byName;
  }

  /** A registry with one more vendor (a deployment's own, or a test's). */
  with(vendor: VendorDescriptor): VendorRegistry {
    return new VendorRegistry([...this.#vendors.values(), vendor]);
  }

  get all(): readonly VendorDescriptor[] {
    return [...this.#vendors.values()];
  }

  find(name: unknown): VendorDescriptor | undefined {
    return typeof name === 'string' ? this.#vendors.get(name) : undefined;
  }

  /** The vendor whose campaigns windows pause and resume, or undefined. */
  windowVendor(name: unknown): WindowVendor | undefined {
    const vendor = this.find(name);
    return vendor?.capability === VendorCapability.windows ? vendor : undefined;
  }

  populateVendor(name: unknown): PopulateVendor | undefined {
    const vendor = this.find(name);
    return vendor?.capability === VendorCapability.populate ? vendor : undefined;
  }

  names(capability?: VendorCapability): string[] {
    return this.all.filter((v) => capability === undefined || v.capability === capability).map((v) => v.name);
  }
}

/** The kinds a run covers: the one named, every kind for "all", the vendor's default when none is named. */
const kindsOf = (vendor: WindowVendor, kind: string | undefined): readonly string[] => {
  const kinds = vendor.selection.kinds;
  if (kinds.length === 0) return [];
  if (kind === undefined) return [kinds[0]!];
  return kind === ALL_KINDS ? kinds : [kind];
};

export { VendorCapability, VendorRegistry, ALL_KINDS, kindsOf };
export type { VendorDescriptor, WindowVendor, PopulateVendor, SelectionRules, VendorLimits, CredentialShape, ClientContext };
