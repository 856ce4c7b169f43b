/**
 * The result of a run (docs/contracts.md, "Window result"): a per-campaign account of what happened and why.
 */
import type { CampaignStatus } from './campaign.js';

const Outcome = {
  planned: 'planned',
  changed: 'changed',
  unchanged: 'unchanged',
  rejected: 'rejected',
  failed: 'failed',
} as const;
type Outcome = (typeof Outcome)[keyof typeof Outcome];

interface CampaignOutcome {
  readonly id: string;
  readonly name: string;
  /** Our vocabulary's status before the run acted (running, scheduled, paused, draft, ended, unknown). */
  readonly before: CampaignStatus;
  /** The status after: the wanted one when changed or planned, else as found. */
  readonly after: CampaignStatus;
  readonly outcome: Outcome;
  /** Why: the plan's reason, or the vendor's message when it refused. Never empty for unchanged/rejected/failed. */
  readonly detail: string;
  /** The vendor's raw status as found, for display. */
  readonly vendorStatus?: string;
  /** The kind of campaign (deltaDNA: "decision-point"), when the run covers several or it is not the default. */
  readonly kind?: string;
}

interface Summary {
  selected: number;
  planned: number;
  changed: number;
  unchanged: number;
  rejected: number;
  failed: number;
}

interface WindowResult {
  readonly action: 'pause' | 'resume';
  readonly provider: string;
  readonly secret: string;
  readonly window: string;
  readonly dryRun: boolean;
  readonly scope?: 'window' | 'selection';
  /** The request's `select.kind`, when it named one. */
  readonly kind?: string;
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly summary: Summary;
  readonly campaigns: readonly CampaignOutcome[];
  /** Set when the run stopped before it could act on every campaign (e.g. the listing failed). */
  readonly error?: string;
  /**
   * Set when the run was asked to stop (Ctrl-C): campaigns already started finished and are in
   * `campaigns`; those not yet started are left out and counted here. Running again settles them.
   */
  readonly interrupted?: Interruption;
  /**
   * Set when the run was delivered too late to act (a pause meant for before the window's last resume,
   * or the other way round): it changed nothing, listed nothing, and names the run that made it stale.
   */
  readonly skipped?: Skipped;
}

interface Skipped {
  readonly reason: string;
  /** This run's intended time. */
  readonly at: string;
  /** The window's last run of the other edge, meant for later than this one. */
  readonly staleBecause: { readonly action: 'pause' | 'resume'; readonly at: string; readonly runId: string };
}

interface Interruption {
  /** Selected campaigns the run did not start. */
  readonly notStarted: number;
  /** False when the stop came during the listing: more campaigns may be selected than were counted. */
  readonly listingComplete: boolean;
}

const emptySummary = (): Summary => ({ selected: 0, planned: 0, changed: 0, unchanged: 0, rejected: 0, failed: 0 });

const summarize = (campaigns: readonly CampaignOutcome[]): Summary => {
  const summary = emptySummary();
  summary.selected = campaigns.length;
  for (const campaign of campaigns) summary[campaign.outcome] += 1;
  return summary;
};

/** 0: every selected campaign is as wanted; 1: some campaign was rejected or failed (docs/contracts.md, "Command exit status"). */
const exitCodeOf = (result: { summary: Summary; error?: string }): 0 | 1 =>
  result.summary.rejected > 0 || result.summary.failed > 0 || result.error !== undefined ? 1 : 0;

export { Outcome, summarize, emptySummary, exitCodeOf };
export type { CampaignOutcome, Interruption, Skipped, Summary, WindowResult };
