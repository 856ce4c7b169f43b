/**
 * The pure decision for each campaign: what a window does to it, and why. No I/O here, so every rule
 * ("people win", opt-outs, drafts, windows holding together) is a function of what was read and can be
 * tested as such.
 *
 * Windows of this tool compose; people still win. A campaign paused by one open window is *held* by it.
 * Another window finding it paused joins the hold (its own entry, with the `before` of the first window)
 * instead of taking it for a person's pause; a window resuming a campaign another open window still holds
 * lets go and leaves it paused; the last to let go resumes it. A campaign paused with no open entry of
 * any window is a person's (or another tool's) and no window resumes it.
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
  /** For `none`: the hold this window joins (it records its own entry, with the holder's `before`). */
  readonly joinHold?: Holder;
  /** For `resume` with scope "selection": the other windows' holds the operator overrides, to be closed. */
  readonly closeHolds?: readonly Holder[];
}

/** Another window of the account holding the campaign: its open entry for the same campaign of the same kind. */
interface Holder {
  readonly window: string;
  readonly entry: WindowEntry;
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
  /** Other windows holding the campaign (open entries only), as read at the start of the run. */
  readonly holders: readonly Holder[];
}

const isOpen = (entry: WindowEntry | undefined): entry is WindowEntry => entry !== undefined && entry.state !== 'resumed';

/** "window freeze, window weekend": who holds a campaign, for a reason. */
const windowsOf = (holders: readonly Holder[]): string => holders.map((holder) => `window ${holder.window}`).join(', ');

/** The holder to join: one that paused the campaign itself rather than joining, when there is one. */
const holderToJoin = (holders: readonly Holder[]): Holder | undefined => holders.find((holder) => holder.entry.heldWith === undefined) ?? holders[0];

const heldWithReason = (holder: Holder): string =>
  holder.entry.heldWith === undefined
    ? `held with window ${holder.window}, which paused it`
    : `held with window ${holder.window}, which holds it since window ${holder.entry.heldWith} paused it`;

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
  const { campaign, entry, window, holders } = facts;
  const protection = protectedFrom(facts);
  if (protection) return protection;
  switch (campaign.status) {
    case CampaignStatus.running:
    case CampaignStatus.scheduled:
      return { act: Act.pause, reason: `${campaign.status}: paused for window ${window}` };
    case CampaignStatus.paused: {
      if (isOpen(entry)) {
        const also = holders.length > 0 ? ` (also held by ${windowsOf(holders)})` : '';
        return { act: Act.none, reason: `already paused by window ${window}${also}`, confirmEntry: entry.state === 'pausing' };
      }
      // Paused by another window of this tool, not by a person: hold it together, so it stays paused
      // until the last window holding it lets go.
      const holder = holderToJoin(holders);
      if (holder) return { act: Act.none, joinHold: holder, reason: `${heldWithReason(holder)} (was ${holder.entry.before}): window ${window} holds it too` };
      return { act: Act.none, reason: `already paused before window ${window} (by a person or another tool): the window will not resume it` };
    }
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
  if (entry.state === 'resumed') {
    return entry.closedReason !== undefined
      ? { act: Act.none, reason: `window ${window}'s hold was closed at ${entry.updatedAt}: ${entry.closedReason}` }
      : { act: Act.none, reason: `already resumed by window ${window} at ${entry.updatedAt}` };
  }
  const protection = protectedFrom(facts);
  if (protection) return { ...protection, reason: `${protection.reason}: left paused` };
  switch (campaign.status) {
    case CampaignStatus.paused:
      // Another window still holds it: let go of this window's hold only; the last to let go resumes it.
      if (facts.holders.length > 0) return { act: Act.none, closeEntry: true, reason: `still held by ${windowsOf(facts.holders)}: window ${window} lets go, left paused` };
      return entry.heldWith === undefined
        ? { act: Act.resume, reason: `paused by window ${window} (was ${entry.before}): resumed` }
        : { act: Act.resume, reason: `held by window ${window} since window ${entry.heldWith} paused it (was ${entry.before}), the last to let go: resumed` };
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
      // An operator's explicit override: resumed whatever holds it, and the other windows' holds closed.
      return facts.holders.length > 0
        ? { act: Act.resume, closeHolds: facts.holders, reason: `paused and selected (scope "selection"): resumed, overriding the hold of ${windowsOf(facts.holders)}` }
        : { act: Act.resume, reason: 'paused and selected (scope "selection"): resumed' };
    case CampaignStatus.unknown:
      return unknownStatus(campaign);
    default:
      return { act: Act.none, closeEntry: isOpen(facts.entry), reason: `not paused (${campaign.vendorStatus}): nothing to resume` };
  }
};

export { Act, decidePause, decideWindowResume, decideSelectionResume, isOpen };
export type { Decision, CampaignFacts, Holder };
