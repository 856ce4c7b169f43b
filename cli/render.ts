/**
 * What a person sees: a live counter (or plain lines) on stderr while a run goes, and a table of
 * outcomes at the end. Pure string building, so it is tested without a terminal.
 */
import type { PopulateResult } from '../functions/core/populate-result.js';
import type { CampaignOutcome, WindowResult } from '../functions/core/result.js';
import { MAX_CELL, printable, printableLines } from './printable.js';

const OUTCOME_MARK: Readonly<Record<string, string>> = {
  planned: '~',
  changed: '✔',
  unchanged: '·',
  rejected: '✖',
  failed: '!',
};

/**
 * A plain-text table. Every cell is made printable (it may come from a vendor) and cut with "…" at
 * its column's width; the last column takes what is left, up to MAX_CELL.
 */
const table = (header: readonly string[], rows: readonly (readonly string[])[], maxWidths: readonly number[] = []): string => {
  const cells = rows.map((row) => row.map((cell, i) => printable(cell, maxWidths[i] ?? MAX_CELL)));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => Array.from(r[i] ?? '').length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(Math.max(0, widths[i]! - Array.from(cell).length))))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
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

/** A campaign row with its kind after the id. */
const withKind = (row: readonly string[], kind: string | undefined): string[] => [row[0]!, row[1]!, kind ?? '', ...row.slice(2)];

const renderWindowResult = (result: WindowResult): string => {
  const scope = result.scope && result.scope !== 'window' ? ` · scope ${result.scope}` : '';
  const kind = result.kind !== undefined ? ` · kind ${result.kind}` : '';
  const title = printable(`${result.dryRun ? 'DRY RUN: ' : ''}${result.action} · ${result.provider} · ${result.secret} · window ${result.window}${scope}${kind}`, 2 * MAX_CELL);
  // Where campaigns of several kinds share the table, equal ids are told apart by a kind column.
  const kinds = result.campaigns.some((c) => c.kind !== undefined);
  const body =
    result.skipped
      ? `skipped: ${printable(result.skipped.reason, 4 * MAX_CELL)}`
      : result.campaigns.length === 0
      ? '(no campaign selected)'
      : kinds
        ? table(['outcome', 'id', 'kind', 'name', 'status', 'why'], result.campaigns.map((c) => withKind(campaignRow(c), c.kind)), [12, 20, 16, 32, 24])
        : table(['outcome', 'id', 'name', 'status', 'why'], result.campaigns.map(campaignRow), [12, 20, 32, 24]);
  const stopped = result.interrupted
    ? `\nnot started: ${result.interrupted.notStarted}${result.interrupted.listingComplete ? '' : ' or more (the listing was not finished)'} (interrupted)`
    : '';
  return `${title}\n\n${body}\n\n${summaryLine(result)}${stopped}${result.error ? `\nerror: ${printableLines(result.error)}` : ''}\n`;
};

const renderPopulateResult = (result: PopulateResult): string => {
  const s = result.summary;
  const requests = table(
    ['#', 'recipients', 'bytes', 'job', 'status', 'scheduled', 'not found', 'why'],
    result.requests.map((r) => [
      String(r.index),
      `${r.firstRecipient}-${r.lastRecipient} (${r.recipients})`,
      String(r.bytes),
      r.jobId ?? '',
      r.status,
      String(r.counts?.usersScheduled ?? ''),
      String(r.counts?.usersNotFound ?? ''),
      r.detail ?? '',
    ]),
  );
  const invalid = result.invalidRecipients.length
    ? `\nInvalid recipients (skipped):\n${table(['line', 'reason'], result.invalidRecipients.map((i) => [String(i.line), i.reason]))}\n`
    : '';
  return [
    printable(`${result.dryRun ? 'DRY RUN: ' : ''}populate · kahuna · ${result.secret} · env ${result.env} · campaign ${result.campaignId} · from ${result.source}`, 2 * MAX_CELL),
    '',
    result.requests.length ? requests : '(no request)',
    invalid,
    `${s.recipients} recipients (${s.valid} valid, ${s.invalid} invalid) in ${s.requests} requests: ${s.submitted} submitted, ${s.failedRequests} failed; ` +
      `jobs ${s.jobsDone} done, ${s.jobsFailed} failed; users ${s.usersScheduled} scheduled, ${s.usersNotFound} not found`,
    ...(result.error ? [`error: ${printableLines(result.error)}`] : []),
    '',
  ].join('\n');
};

/** Progress for a run: a counter rewritten in place on a terminal, one line per campaign elsewhere. */
const progressReporter = (stream: NodeJS.WriteStream | NodeJS.WritableStream, label: string) => {
  const live = 'isTTY' in stream && stream.isTTY === true;
  return {
    update({ done, total, last }: { done: number; total: number; last: CampaignOutcome }): void {
      const id = printable(last.id, 40);
      const outcome = printable(last.outcome, 20);
      if (live) stream.write(`\r${label}: ${done}/${total} campaigns (last: ${id} ${outcome})\x1b[K`);
      else stream.write(`${label}: ${done}/${total} ${id} ${outcome}${last.detail ? ` (${printable(last.detail)})` : ''}\n`);
    },
    finish(): void {
      if (live) stream.write('\n');
    },
  };
};

export { table, renderWindowResult, renderPopulateResult, progressReporter };
