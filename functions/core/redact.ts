/**
 * Keeps credential values out of everything we show, log or publish. Vendor text is untrusted: a vendor
 * may echo the request that reached it (the deltaDNA key and password in a 401 body, an Authorization
 * header quoted in a 400), so every string read from a vendor passes through `scrub` before anything
 * else sees it, and the outputs (CLI, logs, events) scrub again.
 *
 * Credential readers register each value they read; a value is removed in every form it may travel in:
 * as is, base64 (standard and URL-safe), percent-encoded, JSON-escaped, and the BasicAuth pair.
 */

const REDACTED = '[redacted]';
/** Shorter values are not credentials worth the name, and would cut ordinary words to pieces. */
const MIN_SECRET_LENGTH = 4;
/** How many values one process remembers (a Lambda container may serve several accounts). */
const MAX_REMEMBERED = 1_000;
/** The most of a vendor's own text (an error title or message) that we keep. */
const MAX_VENDOR_TEXT = 500;

const base64Forms = (value: string): string[] => {
  const standard = Buffer.from(value, 'utf8').toString('base64');
  const unpadded = standard.replace(/=+$/, '');
  return [standard, unpadded, Buffer.from(value, 'utf8').toString('base64url')];
};

const travelForms = (value: string): string[] => [
  value,
  ...base64Forms(value),
  encodeURIComponent(value),
  JSON.stringify(value).slice(1, -1),
];

class Redactor {
  /** Every form of every value, in the order last registered, so the least recently used are forgotten first. */
  readonly #forms = new Set<string>();
  /** The same forms, longest first: a value is replaced before any shorter value inside it. */
  #ordered: string[] = [];

  /** Remembers a credential value (and the forms it travels in). Empty or very short values are ignored. */
  add(value: string | undefined): void {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
    let added = false;
    for (const form of travelForms(value)) {
      if (form.length < MIN_SECRET_LENGTH) continue;
      // Seen again: made the most recent, so a credential in use is never the one forgotten.
      added ||= !this.#forms.has(form);
      this.#forms.delete(form);
      this.#forms.add(form);
    }
    if (!added) return;
    while (this.#forms.size > MAX_REMEMBERED) this.#forms.delete(this.#forms.values().next().value!);
    this.#ordered = [...this.#forms].sort((a, b) => b.length - a.length);
  }

  /** Remembers a BasicAuth pair as it travels in the header: base64 of `user:password`. */
  addBasicAuth(user: string, password: string): void {
    this.add(`${user}:${password}`);
  }

  /** The text with every remembered value replaced by "[redacted]". */
  scrub(text: string): string {
    let out = text;
    for (const form of this.#ordered) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return out;
  }

  /** Every string of a parsed JSON value (keys included) scrubbed; the value is returned, rebuilt only where needed. */
  scrubJson(value: unknown): unknown {
    if (this.#ordered.length === 0) return value;
    return this.#walk(value, 0);
  }

  #walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.scrub(value);
    // JSON.parse already bounds depth by the body's size; the check keeps a hostile nesting off the stack.
    if (depth > 64 || typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map((item) => this.#walk(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[this.scrub(key)] = this.#walk(item, depth + 1);
    return out;
  }
}

/** Cuts text to `max` characters, saying how much was left out. */
const cut = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;

/**
 * The credential values this process has read. Module-level on purpose: every output of the process
 * (CLI, log lines, events) must be able to scrub them, whoever read them. Bounded by MAX_REMEMBERED.
 */
const knownSecrets = new Redactor();


export { Redactor, knownSecrets, cut, MAX_VENDOR_TEXT };
