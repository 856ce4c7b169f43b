import { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { openS3Recipients } from '../../functions/adapters/aws/s3-recipients.js';
import { ConfigurationError } from '../../functions/core/errors.js';

const s3 = mockClient(S3Client);

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};

describe('Function: openS3Recipients', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('streams the object line by line, a line split across chunks included', async () => {
    // Prepare
    const body = Readable.from([Buffer.from('{"k_to":["a@example.com"]}\n{"k_to":'), Buffer.from('["b@example.com"]}\n\nnot json\n')]);
    s3.on(GetObjectCommand).resolves({ Body: body as never });

    // Act
    const items = await collect(await openS3Recipients({ bucket: 'recipients', key: 'bf.jsonl' }, new S3Client({})));

    // Assess
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'recipients', Key: 'bf.jsonl' });
    expect(items).toEqual([
      { line: 1, value: { k_to: ['a@example.com'] } },
      { line: 2, value: { k_to: ['b@example.com'] } },
      { line: 4, error: expect.stringContaining('JSON') },
    ]);
  });

  it('names the object when it does not exist', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));

    // Act
    const error = await openS3Recipients({ bucket: 'recipients', key: 'missing.jsonl' }, new S3Client({})).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe('recipients.s3: s3://recipients/missing.jsonl does not exist');
  });

  it('says when the function may not read the object', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied', $metadata: { httpStatusCode: 403 } }));

    // Act
    const error = await openS3Recipients({ bucket: 'other', key: 'x.jsonl' }, new S3Client({})).catch((e: unknown) => e);

    // Assess
    expect((error as Error).message).toBe('recipients.s3: no permission to read s3://other/x.jsonl');
  });

  it('passes other failures on as they are, for the caller to retry', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: 'SlowDown', $fault: 'server', message: 'Slow down', $metadata: { httpStatusCode: 503 } }));

    // Act
    const error = await openS3Recipients({ bucket: 'recipients', key: 'x.jsonl' }, new S3Client({})).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(S3ServiceException);
    expect(error).not.toBeInstanceOf(ConfigurationError);
  });
});
