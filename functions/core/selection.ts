/**
 * Which campaigns a request selects, and the opt-out marks that protect a campaign from any selection.
 */
import type { Campaign } from './campaign.js';
import type { Selection } from './request.js';

const OPT_OUT_NAME_MARK = '[no-pause]';
const OPT_OUT_LABEL = 'campaign-ops:skip';

/** `*` any run of characters, `?` one character; everything else literal; case-insensitive. */
const globToRegExp = (glob: string): RegExp => {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i');
};

/** A selection compiled once per run: globs become regular expressions, lists become sets. */
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
  const names = selection.names?.map(globToRegExp);
  const labels = selection.labels ? new Set(selection.labels) : undefined;
  const exclude = new Set(selection.exclude);
  return {
    matches: (campaign) =>
      (environmentId === undefined || campaign.environment === environmentId) &&
      (ids === undefined || ids.has(campaign.id)) &&
      (names === undefined || names.some((pattern) => pattern.test(campaign.name))) &&
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

export { compileSelection, optOutReason, globToRegExp, OPT_OUT_NAME_MARK, OPT_OUT_LABEL };
export type { CompiledSelection };
