/**
 * The pure decision for each campaign: what a window does to it, and why. No I/O here, so every rule
 * ("people win", opt-outs, drafts) is a function of what was read and can be tested as such.
 */
import { CampaignStatus, type Campaign } from './campaign.js';
import type { WindowEntry } from './ports.js';

const Act = { pause: 'pause', resume: 'resume', none: 'none' } as const;
type Act = (typeof Act)[keyof typeof Act];

interface Decision {
  readonly act: Act;
  readonly reason: string;
  /** For `none`: whether the campaign is nevertheless not as wanted (an unknown status): counts as failed. */
  readonly failed?: boolean;
  /** For `none`: the window entry to close, because the campaign is no longer the window's to give back. */
  readonly closeEntry?: boolean;
  /** For `none`: an open `pausing` entry whose pause did take effect (found paused). */
  readonly confirmEntry?: boolean;
}

interface CampaignFacts {
  readonly campaign: Campaign;
  /** This window's entry for the campaign, if any. */
  readonly entry: WindowEntry | undefined;
  readonly optOut: string | undefined;
  readonly excluded: boolean;
  /** Named by id in the request. */
  readonly named: boolean;
  readonly window: string;
}

const isOpen = (entry: WindowEntry | undefined): entry is WindowEntry => entry !== undefined && entry.state !== 'resumed';

const protectedFrom = (facts: CampaignFacts): Decision | undefined => {
  if (facts.optOut) return { act: Act.none, reason: facts.optOut };
  if (facts.excluded) return { act: Act.none, reason: 'excluded by select.exclude' };
  return undefined;
};

const unknownStatus = (campaign: Campaign): Decision => ({
  act: Act.none,
  failed: true,
  reason: `unknown vendor status "${campaign.vendorStatus}": not touched (campaign-ops does not know whether it may act on it)`,
});

const decidePause = (facts: CampaignFacts): Decision => {
  const { campaign, entry, window } = facts;
  const protection = protectedFrom(facts);
  if (protection) return protection;
  switch (campaign.status) {
    case CampaignStatus.running:
    case CampaignStatus.scheduled:
      return { act: Act.pause, reason: `${campaign.status}: paused for window ${window}` };
    case CampaignStatus.paused:
      return isOpen(entry)
        ? { act: Act.none, reason: `already paused by window ${window}`, confirmEntry: entry.state === 'pausing' }
        : { act: Act.none, reason: `already paused before window ${window} (by a person or another tool): the window will not resume it` };
    case CampaignStatus.draft:
    case CampaignStatus.ended:
      // Named explicitly: the operator asked for this one, so the vendor's own refusal is reported.
      if (facts.named) return { act: Act.pause, reason: `${campaign.status}, but named in select.ids` };
      return {
        act: Act.none,
        reason: campaign.status === CampaignStatus.draft ? 'draft: never started, nothing to pause' : `ended (${campaign.vendorStatus}): nothing to pause`,
      };
    default:
      return unknownStatus(campaign);
  }
};

/** Resume what this window paused and nothing else; whatever a person did during the window stands. */
const decideWindowResume = (facts: CampaignFacts): Decision => {
  const { campaign, entry, window } = facts;
  if (!entry) return { act: Act.none, reason: `not paused by window ${window}: not ours to resume` };
  if (entry.state === 'resumed') return { act: Act.none, reason: `already resumed by window ${window} at ${entry.updatedAt}` };
  const protection = protectedFrom(facts);
  if (protection) return { ...protection, reason: `${protection.reason}: left paused` };
  switch (campaign.status) {
    case CampaignStatus.paused:
      return { act: Act.resume, reason: `paused by window ${window} (was ${entry.before}): resumed` };
    case CampaignStatus.running:
    case CampaignStatus.scheduled:
      return entry.state === 'pausing'
        ? { act: Act.none, closeEntry: true, reason: `the window's pause never took effect (${campaign.vendorStatus}): left as is` }
        : { act: Act.none, closeEntry: true, reason: `resumed by someone during window ${window} (now ${campaign.vendorStatus}): left as is` };
    case CampaignStatus.ended:
      return { act: Act.none, closeEntry: true, reason: `ended during window ${window} (${campaign.vendorStatus}): left as is` };
    case CampaignStatus.draft:
      return { act: Act.none, closeEntry: true, reason: `back to draft during window ${window}: left as is` };
    default:
      return unknownStatus(campaign);
  }
};

/** Resume every selected paused campaign, whoever paused it (scope "selection"). */
const decideSelectionResume = (facts: CampaignFacts): Decision => {
  const { campaign } = facts;
  const protection = protectedFrom(facts);
  if (protection) return protection;
  switch (campaign.status) {
    case CampaignStatus.paused:
      return { act: Act.resume, reason: 'paused and selected (scope "selection"): resumed' };
    case CampaignStatus.unknown:
      return unknownStatus(campaign);
    default:
      return { act: Act.none, closeEntry: isOpen(facts.entry), reason: `not paused (${campaign.vendorStatus}): nothing to resume` };
  }
};

export { Act, decidePause, decideWindowResume, decideSelectionResume, isOpen };
export type { Decision, CampaignFacts };
