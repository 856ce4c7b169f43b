import { describe, expect, it } from 'vitest';
import {
  CampaignOpsError,
  ConfigurationError,
  ExitStatus,
  InvalidRequestError,
  TransportError,
  UnexpectedResponseError,
  VendorError,
  exitStatusOf,
  isRetryable,
} from '../../functions/core/errors.js';
import { AccountBusyError } from '../../functions/core/account-lease.js';
import { WindowStateError } from '../../functions/adapters/window-entries.js';
import { FileLockTimeoutError } from '../../functions/adapters/local/files.js';
import { SecretUnavailableError } from '../../functions/adapters/aws/secrets-manager.js';
import { EventPublishError } from '../../functions/adapters/aws/eventbridge-publisher.js';
import { CampaignsFailedError } from '../../functions/runtime.js';
import { UsageError } from '../../cli/args.js';
import { WindowConfigError } from '../../infra/config/validate.js';

const vendorError = (status: number, retryable: boolean): VendorError =>
  new VendorError({ vendor: 'ocamba', operation: 'pause', status, body: {}, retryable });

describe('Class: CampaignOpsError', () => {
  it.each([
    ['InvalidRequestError', new InvalidRequestError([{ field: 'provider', problem: 'is required' }]), 'INVALID_REQUEST', false, 2],
    ['ConfigurationError', new ConfigurationError('no secret'), 'CONFIGURATION', false, 2],
    ['UsageError', new UsageError('unknown option'), 'USAGE', false, 2],
    ['WindowConfigError', new WindowConfigError(['killSwitch: is required']), 'WINDOW_CONFIG', false, 2],
    ['WindowStateError', new WindowStateError('unreadable'), 'WINDOW_STATE', false, 2],
    ['VendorError 401', vendorError(401, false), 'VENDOR_ERROR', false, 2],
    ['VendorError 403', vendorError(403, false), 'VENDOR_ERROR', false, 2],
    ['VendorError 409', vendorError(409, false), 'VENDOR_ERROR', false, 2],
    ['VendorError 400', vendorError(400, false), 'VENDOR_ERROR', false, 1],
    ['VendorError 503', vendorError(503, true), 'VENDOR_ERROR', true, 1],
    ['TransportError', new TransportError({ vendor: 'kahuna', operation: 'populate', timedOut: true, reason: 'late' }), 'TRANSPORT', true, 1],
    ['UnexpectedResponseError', new UnexpectedResponseError({ vendor: 'kahuna', operation: 'job status', reason: 'cut short', retryable: true }), 'UNEXPECTED_RESPONSE', true, 1],
    ['AccountBusyError', new AccountBusyError('busy'), 'ACCOUNT_BUSY', true, 1],
    ['FileLockTimeoutError', new FileLockTimeoutError('late'), 'FILE_LOCK_TIMEOUT', true, 1],
    ['SecretUnavailableError', new SecretUnavailableError('throttled'), 'SECRET_UNAVAILABLE', true, 1],
    ['EventPublishError', new EventPublishError('throttled', { retryable: true }), 'EVENT_PUBLISH', true, 1],
    ['CampaignsFailedError', new CampaignsFailedError('2 failed'), 'CAMPAIGNS_FAILED', true, 1],
  ] as const)('%s says its code, retryability and exit status', (_, error, code, retryable, exitStatus) => {
    // Assess
    expect(error).toBeInstanceOf(CampaignOpsError);
    expect(error).toMatchObject({ code, retryable, exitStatus });
    expect(isRetryable(error)).toBe(retryable);
    expect(exitStatusOf(error)).toBe(exitStatus);
  });

  it('keeps its cause and its own name', () => {
    // Prepare
    const cause = new Error('socket hang up');

    // Act
    const error = new ConfigurationError('no secret', { cause });

    // Assess
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('ConfigurationError');
  });

  it('anything else is not retryable and ends a command with 1', () => {
    // Assess
    for (const other of [new Error('boom'), { retryable: true }, 'text', undefined]) {
      expect(isRetryable(other)).toBe(false);
      expect(exitStatusOf(other)).toBe(ExitStatus.failed);
    }
  });
});
