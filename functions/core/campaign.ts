/**
 * The vendor-neutral picture of a campaign that selection, plans and results work on.
 * Each provider maps its vendor's statuses onto this small vocabulary and keeps the raw one for display.
 */

const CampaignStatus = {
  running: 'running',
  scheduled: 'scheduled',
  paused: 'paused',
  draft: 'draft',
  ended: 'ended',
  unknown: 'unknown',
} as const;
type CampaignStatus = (typeof CampaignStatus)[keyof typeof CampaignStatus];

interface Campaign {
  /** The vendor's id, always as a string (deltaDNA's are numbers on the wire). */
  readonly id: string;
  readonly name: string;
  readonly status: CampaignStatus;
  /** The vendor's own word for the status, e.g. "ACTIVE" or "canceled". */
  readonly vendorStatus: string;
  /** deltaDNA environment id; absent for vendors without environments. */
  readonly environment?: number;
  /** Ocamba labels; empty for vendors without labels. */
  readonly labels: readonly string[];
  /** Which kind of campaign, where a vendor has several (deltaDNA: event-triggered, decision-point). */
  readonly kind?: string;
}

/** A deltaDNA game environment, e.g. DeltaSlot/Live = 8756. */
interface Environment {
  readonly id: number;
  readonly game: string;
  readonly name: string;
}

/**
 * What a window needs from a vendor. Listing is a stream so a large account is never held twice.
 * pause/resume act on one campaign and throw VendorError/TransportError; they do not read state first:
 * the engine decides, the provider only carries out.
 */
interface CampaignProvider {
  /** The vendor's name, as requests give it. */
  readonly name: string;
  /**
   * Where a vendor has several kinds of campaign: the kind whose window state is keyed without a kind
   * (as before kinds could be selected), so state written then is still found.
   */
  readonly defaultKind?: string;
  /** The kinds of campaign this client lists and acts on, where the vendor has several. */
  readonly kinds?: readonly string[];
  listCampaigns(): AsyncIterable<Campaign>;
  /** One campaign; `kind` where the vendor has several (without it, the client's kinds are asked in turn). */
  getCampaign(id: string, kind?: string): Promise<Campaign>;
  pause(campaign: Campaign, reason: string | undefined): Promise<void>;
  resume(campaign: Campaign): Promise<void>;
  /** Environments the key can see; only vendors that have them. */
  listEnvironments?(): Promise<Environment[]>;
}

export { CampaignStatus };
export type { Campaign, CampaignProvider, Environment };
