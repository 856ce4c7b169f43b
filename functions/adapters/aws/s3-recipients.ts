/**
 * Streams a JSON Lines recipient file from S3 into the populate engine, chunk by chunk: a list of
 * millions of recipients is never held in memory at once.
 */
import { GetObjectCommand, NoSuchKey, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { ConfigurationError } from '../../core/errors.js';
import { fromJsonLines, type RecipientSource } from '../../core/recipients.js';

let sharedClient: S3Client | undefined;
// With an endpoint override (moto, LocalStack) buckets are addressed by path: no wildcard DNS on loopback.
const defaultS3Client = (): S3Client => (sharedClient ??= new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL) }));

/** Opens `s3://bucket/key` and returns its recipients as a stream; a missing or forbidden object is a configuration error. */
const openS3Recipients = async (location: { bucket: string; key: string }, client: S3Client = defaultS3Client()): Promise<RecipientSource> => {
  const url = `s3://${location.bucket}/${location.key}`;
  let body: AsyncIterable<Uint8Array> | undefined;
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    body = response.Body as AsyncIterable<Uint8Array> | undefined;
  } catch (error) {
    if (error instanceof NoSuchKey || (error instanceof S3ServiceException && error.name === 'NoSuchBucket')) {
      throw new ConfigurationError(`recipients.s3: ${url} does not exist`, { cause: error });
    }
    if (error instanceof S3ServiceException && (error.name === 'AccessDenied' || error.$metadata.httpStatusCode === 403)) {
      throw new ConfigurationError(`recipients.s3: no permission to read ${url}`, { cause: error });
    }
    throw error;
  }
  if (!body) throw new ConfigurationError(`recipients.s3: ${url} has no body`);
  return fromJsonLines(body);
};

export { openS3Recipients };
