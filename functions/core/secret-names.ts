/**
 * Secrets are named in requests either by name or by full ARN. A full Secrets Manager ARN ends in the
 * name plus "-" and six random characters, which this strips to find the name.
 *
 * The name is the account's identity: window state, account leases and the deltaDNA token cache are keyed
 * on it, so a window paused by name and resumed by ARN (or the other way round) is one window of one account.
 * The secret itself is still read by what the request gave.
 */

const SECRET_ARN = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)-[A-Za-z0-9]{6}$/;

/** The secret's name: the argument itself, or the name part of a full ARN. */
const secretNameOf = (nameOrArn: string): string => SECRET_ARN.exec(nameOrArn)?.[1] ?? nameOrArn;

const isSecretArn = (nameOrArn: string): boolean => SECRET_ARN.test(nameOrArn);

/** The account a secret holds the credentials of, the same whichever form names it. */
const accountOf = secretNameOf;

export { secretNameOf, isSecretArn, accountOf };
