/** The lake in an S3 bucket: the BlobStore port over the S3 SDK v3 client. */
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { StorageUnavailableError } from '../../core/errors';
import type { BlobStore } from '../../core/ports';
import { awsErrorMessage, awsErrorName, isTransientAwsCode, isTransientAwsError } from './aws-errors';

/** Tuning of {@link S3BlobStore}; the defaults are S3's own limits. */
export interface S3BlobStoreOptions {
  /**
   * Keys per ListObjectsV2 page.
   * @default 1000
   */
  readonly maxKeys?: number;
}

// DeleteObjects takes at most 1000 keys per request.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
const deleteBatchSize = 1000;

const contentTypeOf = (key: string): string =>
  key.endsWith('.json')
    ? 'application/json'
    : key.endsWith('.parquet')
      ? 'application/vnd.apache.parquet'
      : key.endsWith('.html')
        ? 'text/html; charset=utf-8'
        : 'application/octet-stream';

/** Stores lake keys as object keys of one bucket; a PutObject is atomic, so put needs no temp object. */
export class S3BlobStore implements BlobStore {
  private readonly maxKeys: number;

  /** `s3` is a configured client; `bucket` the lake bucket's name (LAKE_BUCKET_NAME). */
  public constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    options: S3BlobStoreOptions = {},
  ) {
    this.maxKeys = options.maxKeys ?? 1000;
  }

  /** Writes the object whole (S3 never exposes a partly written object). */
  public async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.call('PutObject', key, () =>
      this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentTypeOf(key) })),
    );
  }

  /** The object's bytes, or undefined when there is no such key. */
  public async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!response.Body) return new Uint8Array();
      return await response.Body.transformToByteArray();
    } catch (error) {
      if (awsErrorName(error) === 'NoSuchKey') return undefined;
      throw this.translate('GetObject', key, error);
    }
  }

  /** Every key below `prefix`, sorted ascending, following continuation tokens across pages. */
  public async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call('ListObjectsV2', prefix, () =>
        this.s3.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: this.maxKeys, ContinuationToken: token }),
        ),
      );
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return keys.sort();
  }

  /** Deletes the keys in batches of 1000; a key that does not exist is not an error. */
  public async delete(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += deleteBatchSize) {
      const batch = keys.slice(start, start + deleteBatchSize);
      const response = await this.call('DeleteObjects', batch[0] ?? '', () =>
        this.s3.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        ),
      );
      const failed = response.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        const message =
          `S3 could not delete ${failed.length} of ${batch.length} keys in s3://${this.bucket}, ` +
          `first ${first?.Key ?? '?'}: ${first?.Code ?? 'unknown'} ${first?.Message ?? ''}`.trimEnd();
        throw failed.every((entry) => isTransientAwsCode(entry.Code))
          ? new StorageUnavailableError(`${message}; the step will be retried`)
          : new Error(`${message}; check the function's role and the bucket policy`);
      }
    }
  }

  private async call<T>(operation: string, key: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.translate(operation, key, error);
    }
  }

  /**
   * A transient failure becomes StorageUnavailableError, which the state machine retries;
   * anything else (access denied, no such bucket) is a deployment mistake and fails as it is,
   * with the bucket and key named.
   */
  private translate(operation: string, key: string, error: unknown): Error {
    const where = `S3 ${operation} on s3://${this.bucket}/${key} failed: ${awsErrorName(error)}: ${awsErrorMessage(error)}`;
    if (isTransientAwsError(error)) return new StorageUnavailableError(`${where}; the step will be retried`, { cause: error });
    return new Error(`${where}; check that the bucket exists and the function's role may use it`, { cause: error });
  }
}
