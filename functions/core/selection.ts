/**
 * Which campaigns a request selects, and the opt-out marks that protect a campaign from any selection.
 */
import type { Campaign } from './campaign.js';
import type { Selection } from './request.js';

const OPT_OUT_NAME_MARK = '[no-pause]';
const OPT_OUT_LABEL = 'campaign-ops:skip';

/**
 * Whether `name` matches `glob` as a whole: `*` any run of characters, `?` one character, everything else
 * literal, case-insensitive. No regular expression is built from the request: the greedy two-pointer walk
 * goes back only to the last `*` seen, so it takes at most glob length × name length steps (a regex with
 * many stars backtracks exponentially).
 */
const matchesGlob = (glob: string, name: string): boolean => {
  const pattern = Array.from(glob.toLowerCase());
  const text = Array.from(name.toLowerCase());
  let p = 0;
  let t = 0;
  let star = -1;
  let resumeAt = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p;
      p += 1;
      resumeAt = t;
    } else if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p += 1;
      t += 1;
    } else if (star >= 0) {
      // Let the last star take one more character and try the rest of the glob again from there.
      p = star + 1;
      resumeAt += 1;
      t = resumeAt;
    } else return false;
  }
  while (p < pattern.length && pattern[p] === '*') p += 1;
  return p === pattern.length;
};

/** A selection compiled once per run: lists become sets. */
interface CompiledSelection {
  /** Whether the campaign is in the selection (environment, ids, names, labels); `exclude` not applied. */
  matches(campaign: Campaign): boolean;
  excluded(campaign: Campaign): boolean;
  /** Whether the request named this campaign by id (the operator asked for it explicitly). */
  named(campaign: Campaign): boolean;
}

/** `environmentId` is the resolved deltaDNA environment, when the selection names one. */
const compileSelection = (selection: Selection, environmentId: number | undefined): CompiledSelection => {
  const ids = selection.ids ? new Set(selection.ids) : undefined;
  const names = selection.names;
  const labels = selection.labels ? new Set(selection.labels) : undefined;
  const exclude = new Set(selection.exclude);
  return {
    matches: (campaign) =>
      (environmentId === undefined || campaign.environment === environmentId) &&
      (ids === undefined || ids.has(campaign.id)) &&
      (names === undefined || names.some((glob) => matchesGlob(glob, campaign.name))) &&
      (labels === undefined || campaign.labels.some((label) => labels.has(label))),
    excluded: (campaign) => exclude.has(campaign.id),
    named: (campaign) => ids?.has(campaign.id) ?? false,
  };
};

/** Why a campaign has opted out of every run, or undefined when it has not. */
const optOutReason = (campaign: Campaign): string | undefined => {
  if (campaign.name.toLowerCase().includes(OPT_OUT_NAME_MARK)) return `opted out: the name contains ${OPT_OUT_NAME_MARK}`;
  if (campaign.labels.includes(OPT_OUT_LABEL)) return `opted out: labelled ${OPT_OUT_LABEL}`;
  return undefined;
};

export { compileSelection, optOutReason, matchesGlob };
export type { CompiledSelection };
