/**
 * IANA time zone names as EventBridge Scheduler takes them (case included), with a suggestion for a
 * near miss such as "Europe/Berln".
 */
import { quote } from '../../functions/core/validation.js';

const MAX_TIME_ZONE_CHARS = 64;

const editDistance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
};

/** The problem with an IANA time zone name, or undefined when EventBridge Scheduler will accept it. */
const timeZoneProblem = (value: unknown): string | undefined => {
  if (typeof value !== 'string' || value.trim() === '') return 'is required: an IANA time zone such as "Europe/Berlin" or "UTC"';
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    // No IANA zone is this long: a suggestion (an edit distance against every zone) would only cost time.
    if (value.length > MAX_TIME_ZONE_CHARS) return `unknown time zone ${quote(value)}`;
    const known = Intl.supportedValuesOf('timeZone');
    const nearest = known
      .map((zone) => ({ zone, distance: editDistance(zone.toLowerCase(), value.toLowerCase()) }))
      .sort((a, b) => a.distance - b.distance)[0];
    const hint = nearest && nearest.distance <= 3 ? ` (did you mean ${quote(nearest.zone)}?)` : '';
    return `unknown time zone ${quote(value)}${hint}`;
  }
  // Intl ignores case; Scheduler does not.
  if (resolved !== value && resolved.toLowerCase() === value.toLowerCase()) return `unknown time zone ${quote(value)} (did you mean ${quote(resolved)}?)`;
  return undefined;
};

export { timeZoneProblem };
