/**
 * EventBridge Scheduler schedule expressions as a window writes them: `cron(...)` with its six fields,
 * `at(yyyy-mm-ddThh:mm:ss)`, or a bare local date-time. Each problem says what is wrong and what form
 * is expected; the time zone is the window's, so a UTC offset is refused.
 */
import { clip, quote } from '../../functions/core/validation.js';

/** An expression is quoted whole up to this length: it is what the operator must fix. */
const QUOTED_EXPRESSION_CHARS = 256;

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const CRON_FIELDS: readonly CronField[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 1, max: 7, names: DAYS },
  { name: 'year', min: 1970, max: 2199 },
];
const DAY_OF_MONTH = 2;
const DAY_OF_WEEK = 4;
const CRON_FORM = 'cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 22 * * ? *)';

/** A single value of a field (number or, for month and day-of-week, a name); undefined when invalid. */
const cronValue = (text: string, field: CronField): number | undefined => {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    return value >= field.min && value <= field.max ? value : undefined;
  }
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return index >= 0 ? index + field.min : undefined;
};

/** Problems with one part of a comma-separated field; empty when the part is valid. */
const cronPartProblem = (part: string, field: CronField, index: number): string | undefined => {
  const range = `${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ''}`;
  if (part === '*') return undefined;
  if (index === DAY_OF_MONTH && /^(L|LW|\d{1,2}W)$/.test(part)) {
    return part.endsWith('W') && part !== 'LW' && cronValue(part.slice(0, -1), field) === undefined
      ? `${field.name}: ${quote(part)} is not a day 1-31 followed by W`
      : undefined;
  }
  if (index === DAY_OF_WEEK) {
    if (part === 'L') return undefined;
    const last = /^(\w+)L$/.exec(part);
    if (last && cronValue(last[1]!, field) !== undefined) return undefined;
    const nth = /^(\w+)#(\d)$/.exec(part);
    if (nth) {
      return cronValue(nth[1]!, field) !== undefined && Number(nth[2]) >= 1 && Number(nth[2]) <= 5
        ? undefined
        : `${field.name}: ${quote(part)} must be DAY#N with DAY ${range} and N 1-5`;
    }
  }
  const match = /^(\*|[A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(\d+))?$/.exec(part);
  if (!match) return `${field.name}: ${quote(part)} is not a value, range (a-b), step (a/n) or list (a,b) of ${range}`;
  const [, from, to, step] = match;
  if (from !== '*' && cronValue(from!, field) === undefined) return `${field.name}: ${quote(from)} is out of range (${range})`;
  if (from === '*' && to !== undefined) return `${field.name}: ${quote(part)} is not a valid range`;
  if (to !== undefined && cronValue(to, field) === undefined) return `${field.name}: ${quote(to)} is out of range (${range})`;
  if (step !== undefined && Number(step) < 1) return `${field.name}: step ${quote(step)} must be at least 1`;
  return undefined;
};

/** Problems with an EventBridge Scheduler cron expression's body (the text inside `cron(...)`). */
const cronProblems = (body: string): string[] => {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== CRON_FIELDS.length) {
    return [`has ${fields.length} field${fields.length === 1 ? '' : 's'}, EventBridge Scheduler needs 6: ${CRON_FORM}`];
  }
  const problems: string[] = [];
  fields.forEach((text, index) => {
    const field = CRON_FIELDS[index]!;
    if (text === '?') {
      if (index !== DAY_OF_MONTH && index !== DAY_OF_WEEK) problems.push(`${field.name}: "?" is allowed in day-of-month or day-of-week only`);
      return;
    }
    for (const part of text.split(',')) {
      const problem = cronPartProblem(part, field, index);
      if (problem) problems.push(problem);
    }
  });
  const questionMarks = [fields[DAY_OF_MONTH], fields[DAY_OF_WEEK]].filter((f) => f === '?').length;
  if (questionMarks !== 1) {
    problems.push('day-of-month and day-of-week: exactly one of them must be "?" (e.g. cron(0 22 * * ? *) every day, cron(0 22 ? * MON-FRI *) weekdays)');
  }
  return problems;
};

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A local date-time `yyyy-mm-ddThh:mm[:ss]` normalized to seconds, or a problem. */
const readLocalDateTime = (text: string): { value: string } | { problem: string } => {
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(text) && text.includes('T')) {
    return { problem: `${quote(text)} has a UTC offset; write the local time (yyyy-mm-ddThh:mm:ss): the zone comes from timeZone` };
  }
  const match = LOCAL_DATE_TIME.exec(text);
  if (!match) return { problem: `${quote(text)} is not a date-time yyyy-mm-ddThh:mm:ss` };
  const [year, month, day, hour, minute, second = '00'] = match.slice(1).map((part) => part ?? '00') as string[];
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)));
  const value = `${year}-${month}-${day}T${hour}:${minute}:${second}`;
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 19) !== value) {
    return { problem: `${quote(text)} is not a real date and time` };
  }
  return { value };
};

type ParsedSchedule =
  | { readonly kind: 'cron'; readonly expression: string }
  | { readonly kind: 'at'; readonly expression: string; readonly localTime: string };

/** Reads `cron(...)`, `at(...)` or a bare local date-time; returns the Scheduler expression or problems. */
const readSchedule = (value: unknown): { schedule: ParsedSchedule } | { problems: string[] } => {
  const forms = `${CRON_FORM}, or once: at(yyyy-mm-ddThh:mm:ss)`;
  if (typeof value !== 'string' || value.trim() === '') return { problems: [`is required: ${forms}`] };
  const text = value.trim();
  const cron = /^cron\((.*)\)$/s.exec(text);
  if (cron) {
    const problems = cronProblems(cron[1]!).map((problem) => `${clip(text, QUOTED_EXPRESSION_CHARS)}: ${problem}`);
    return problems.length ? { problems } : { schedule: { kind: 'cron', expression: `cron(${cron[1]!.trim().split(/\s+/).join(' ')})` } };
  }
  const at = /^at\((.*)\)$/s.exec(text);
  if (at || /^\d{4}-/.test(text)) {
    const local = readLocalDateTime((at ? at[1]! : text).trim());
    if ('problem' in local) return { problems: [local.problem] };
    return { schedule: { kind: 'at', expression: `at(${local.value})`, localTime: local.value } };
  }
  if (/^rate\(/.test(text)) return { problems: [`${quote(text)}: a window opens at a time of day, not at a rate; use ${forms}`] };
  return { problems: [`${quote(text)} is not a schedule: use ${forms}`] };
};

export { readSchedule };
export type { ParsedSchedule };
