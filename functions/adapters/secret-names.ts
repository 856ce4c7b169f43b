/**
 * Secrets are named in requests either by name or by full ARN. A full Secrets Manager ARN ends in the
 * name plus "-" and six random characters, which this strips to find the name.
 */

const SECRET_ARN = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)-[A-Za-z0-9]{6}$/;

/** The secret's name: the argument itself, or the name part of a full ARN. */
const secretNameOf = (nameOrArn: string): string => SECRET_ARN.exec(nameOrArn)?.[1] ?? nameOrArn;

const isSecretArn = (nameOrArn: string): boolean => SECRET_ARN.test(nameOrArn);

export { secretNameOf, isSecretArn };
