/**
 * Finding the environment an operator named (deltaDNA: an id, or "Game/Environment") among those the
 * key can see: one lookup for a window's `select.environment` and the command's `--environment`.
 */
import type { CampaignProvider, Environment } from './campaign.js';
import { InvalidRequestError } from './errors.js';
import { cut } from './redact.js';

/** An environment as the operator named it: an id, or "Game/Environment" resolved against the key. */
type EnvironmentRef = { readonly id: number } | { readonly game: string; readonly name: string };

/** How many of the key's environments a "not found" lists. */
const MAX_ENVIRONMENTS_SHOWN = 20;

/** The vendor's list, shown to help the operator: a few environments, each name cut, the rest counted. */
const describeVisible = (environments: readonly Environment[]): string => {
  const shown = environments.slice(0, MAX_ENVIRONMENTS_SHOWN).map((e) => `${e.id} (${cut(`${e.game}/${e.name}`, 60)})`);
  const more = environments.length - shown.length;
  return (shown.join(', ') || 'none') + (more > 0 ? ` and ${more} more` : '');
};

/**
 * The id of the environment `ref` names, as the key sees it; an environment it cannot see is refused
 * naming `field`. A vendor that cannot list environments takes an id as given.
 */
const resolveEnvironment = async (
  provider: CampaignProvider,
  ref: EnvironmentRef,
  field: { readonly name: string; readonly subject?: string },
): Promise<number | undefined> => {
  if (!provider.listEnvironments) return 'id' in ref ? ref.id : undefined;
  const environments = await provider.listEnvironments();
  const found =
    'id' in ref
      ? environments.find((e) => e.id === ref.id)
      : environments.find((e) => e.game.toLowerCase() === ref.game.toLowerCase() && e.name.toLowerCase() === ref.name.toLowerCase());
  if (found) return found.id;
  const named = 'id' in ref ? String(ref.id) : `"${cut(`${ref.game}/${ref.name}`, 60)}"`;
  throw new InvalidRequestError([{ field: field.name, problem: `${named} is not an environment this key can see (it sees: ${describeVisible(environments)})` }], {
    ...(field.subject ? { subject: field.subject } : {}),
  });
};

/** An environment as text names it: digits are an id (above 0), "Game/Environment" a name; anything else undefined. */
const environmentRefOf = (text: string): EnvironmentRef | undefined => {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const id = Number(trimmed);
    return Number.isSafeInteger(id) && id > 0 ? { id } : undefined;
  }
  const parts = trimmed.split('/');
  return parts.length === 2 && parts[0]!.trim() && parts[1]!.trim() ? { game: parts[0]!.trim(), name: parts[1]!.trim() } : undefined;
};

export { resolveEnvironment, environmentRefOf };
export type { EnvironmentRef };
