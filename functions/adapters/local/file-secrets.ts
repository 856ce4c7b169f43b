/**
 * SecretSource for local runs: a JSON file mapping secret names to secret values (docs/contracts.md, "Secrets").
 * Object values are served as their JSON, the SecretString Secrets Manager would hold; strings as they are.
 * Errors name the file and the secret, never a value or the file's content.
 */
import { readFile } from 'node:fs/promises';
import { ConfigurationError } from '../../core/errors.js';
import type { SecretSource } from '../../core/ports.js';
import { isSecretArn, secretNameOf } from '../../core/secret-names.js';

interface FileSecretSourceOptions {
  /** Path of the secrets file. */
  readonly path: string;
}

const errorCode = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';

/** Where JSON.parse gave up, as line and column; the parser's own message may quote the content, so it is not kept. */
const whereParsingFailed = (text: string, error: unknown): string => {
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  if (position === undefined) return '';
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = Number(position) - before.lastIndexOf('\n');
  return ` (at line ${line}, column ${column})`;
};

const loadSecretsFile = async (path: string): Promise<ReadonlyMap<string, string>> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') throw new ConfigurationError(`secrets file ${path} was not found`, { cause: error });
    throw new ConfigurationError(`secrets file ${path} could not be read (${code || 'unknown error'})`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // No cause: a SyntaxError's message can quote the file, and the file holds secrets.
    throw new ConfigurationError(`secrets file ${path} is not valid JSON${whereParsingFailed(text, error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigurationError(`secrets file ${path} must hold a JSON object mapping secret names to secret values`);
  }
  const secrets = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string') secrets.set(name, value);
    else if (typeof value === 'object' && value !== null) secrets.set(name, JSON.stringify(value));
    else throw new ConfigurationError(`secret ${name} in ${path} must be a string or a JSON object`);
  }
  return secrets;
};

class FileSecretSource implements SecretSource {
  readonly path: string;
  #secrets: Promise<ReadonlyMap<string, string>> | undefined;

  constructor(options: FileSecretSourceOptions) {
    this.path = options.path;
  }

  async getSecretString(name: string): Promise<string> {
    // Read once per process; a failed read is tried again on the next call.
    this.#secrets ??= loadSecretsFile(this.path).catch((error: unknown) => {
      this.#secrets = undefined;
      throw error;
    });
    const secrets = await this.#secrets;
    // An ARN in a request finds the entry kept under the secret's name.
    const value = secrets.get(name) ?? (isSecretArn(name) ? secrets.get(secretNameOf(name)) : undefined);
    if (value === undefined) {
      const names = [...secrets.keys()];
      throw new ConfigurationError(
        `secret ${name} is not in ${this.path} (it has: ${names.length > 0 ? names.join(', ') : 'no secrets'})`,
      );
    }
    return value;
  }
}

export { FileSecretSource };
export type { FileSecretSourceOptions };
