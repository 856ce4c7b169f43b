/**
 * Text from outside (vendor names, statuses, messages, request values) made safe for a terminal: no
 * credential the process has read, no escape sequence that could set the title, clear the screen or
 * colour what follows, and no bidi override that could make a line read other than it is. Long text
 * is cut with "…".
 */
import { knownSecrets } from '../functions/core/redact.js';

/** ESC or CSI (C1) sequences: OSC (to BEL or ST, or to the next escape), DCS/SOS/PM/APC strings, CSI, and two-character escapes. */
const ESCAPE_SEQUENCE =
  /(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|(?:\u001b[PX^_]|[\u0090\u0098\u009e\u009f])[^\u001b\u009c]*(?:\u001b\\|\u009c)?|(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?|\u001b[ -~]?/g;
/** C0 (tab and newline included: a cell is one line), DEL, C1, and the bidi embeddings, overrides and isolates. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const UNPRINTABLE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves raw but a terminal may still act on. */
const RAW_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** The longest cell a table shows, and the longest line of a message. */
const MAX_CELL = 160;
const MAX_LINE = 500;

/** Cuts to `width` characters (code points), the last one "…". */
const cut = (text: string, width: number): string => {
  const chars = Array.from(text);
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
};

/** One line for a table cell or a label: escapes removed, whitespace controls made spaces, others dropped. */
const printable = (value: unknown, width = MAX_CELL): string =>
  cut(
    knownSecrets
      .scrub(String(value ?? ''))
      .replace(ESCAPE_SEQUENCE, '')
      .replace(/[\t\r\n]+/g, ' ')
      .replace(UNPRINTABLE, ''),
    width,
  );

/** A message of several lines (an error naming every problem): each line as `printable`, newlines kept. */
const printableLines = (value: unknown, width = MAX_LINE): string =>
  knownSecrets
    .scrub(String(value ?? ''))
    .replace(ESCAPE_SEQUENCE, '')
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(UNPRINTABLE_BUT_NEWLINE, '')
    .split('\n')
    .map((line) => cut(line, width))
    .join('\n');

/** JSON for a terminal: the same value, with DEL, C1 and bidi controls written as \u escapes too. */
const printableJson = (value: unknown): string =>
  JSON.stringify(knownSecrets.scrubJson(value), null, 2).replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export { printable, printableLines, printableJson, cut, MAX_CELL };
