/**
 * What a person sees: a live counter (or plain lines) on stderr while a run goes, and a table of
 * outcomes at the end. Pure string building, so it is tested without a terminal.
 */
import type { CampaignOutcome, WindowResult } from '../functions/core/result.js';

const OUTCOME_MARK: Readonly<Record<string, string>> = {
  planned: '~',
  changed: '✔',
  unchanged: '·',
  rejected: '✖',
  failed: '!',
};

const truncate = (text: string, width: number): string => (text.length <= width ? text : `${text.slice(0, width - 1)}…`);

/** A plain-text table; the last column takes what is left and is never cut. */
const table = (header: readonly string[], rows: readonly (readonly string[])[], maxWidths: readonly number[] = []): string => {
  const widths = header.map((h, i) =>
    Math.min(maxWidths[i] ?? Number.POSITIVE_INFINITY, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : truncate(cell, widths[i]!).padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
};

const campaignRow = (c: CampaignOutcome): string[] => [
  `${OUTCOME_MARK[c.outcome] ?? ' '} ${c.outcome}`,
  c.id,
  c.name,
  c.before === c.after ? c.before : `${c.before} → ${c.after}`,
  c.detail,
];

const summaryLine = (result: WindowResult): string => {
  const s = result.summary;
  const counts = [
    `${s.selected} selected`,
    ...(result.dryRun ? [`${s.planned} planned`] : [`${s.changed} changed`]),
    `${s.unchanged} unchanged`,
    `${s.rejected} rejected`,
    `${s.failed} failed`,
  ];
  return counts.join(', ');
};

const renderWindowResult = (result: WindowResult): string => {
  const title = `${result.dryRun ? 'DRY RUN: ' : ''}${result.action} · ${result.provider} · ${result.secret} · window ${result.window}${result.scope && result.scope !== 'window' ? ` · scope ${result.scope}` : ''}`;
  const body =
    result.campaigns.length === 0
      ? '(no campaign selected)'
      : table(['outcome', 'id', 'name', 'status', 'why'], result.campaigns.map(campaignRow), [12, 12, 32, 24]);
  return `${title}\n\n${body}\n\n${summaryLine(result)}${result.error ? `\nerror: ${result.error}` : ''}\n`;
};

/** Progress for a run: a counter rewritten in place on a terminal, one line per campaign elsewhere. */
const progressReporter = (stream: NodeJS.WriteStream | NodeJS.WritableStream, label: string) => {
  const live = 'isTTY' in stream && stream.isTTY === true;
  return {
    update({ done, total, last }: { done: number; total: number; last: CampaignOutcome }): void {
      if (live) stream.write(`\r${label}: ${done}/${total} campaigns (last: ${last.id} ${last.outcome})\x1b[K`);
      else stream.write(`${label}: ${done}/${total} ${last.id} ${last.outcome}${last.detail ? ` (${last.detail})` : ''}\n`);
    },
    finish(): void {
      if (live) stream.write('\n');
    },
  };
};

export { table, renderWindowResult, progressReporter, summaryLine };
