/**
 * TokenCache for local runs: one file per account under the state directory, readable by its owner only.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CachedToken, TokenCache } from '../../core/ports.js';
import { accountOf } from '../../core/secret-names.js';
import { parseCachedToken } from '../token-json.js';
import { stateFileName, writeFileAtomic } from './files.js';
import { STATE_DIR_DEFAULT } from './file-window-store.js';

interface FileTokenCacheOptions {
  /** The account's credentials secret name (or ARN): one file per account. */
  readonly account: string;
  /** Default `.campaign-ops` in the working directory. */
  readonly stateDir?: string;
}

class FileTokenCache implements TokenCache {
  readonly path: string;

  constructor(options: FileTokenCacheOptions) {
    // One file per account, whether it was named by its secret's name or ARN.
    this.path = join(options.stateDir ?? STATE_DIR_DEFAULT, 'tokens', stateFileName([accountOf(options.account)], '.json'));
  }

  /** Undefined when there is no file or it is unreadable: the caller logs in afresh. */
  async get(): Promise<CachedToken | undefined> {
    try {
      return parseCachedToken(await readFile(this.path, 'utf8'));
    } catch {
      return undefined;
    }
  }

  async put(token: CachedToken): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify({ token: token.token, expiresAt: token.expiresAt })}\n`, 0o600);
  }
}

export { FileTokenCache };
export type { FileTokenCacheOptions };
