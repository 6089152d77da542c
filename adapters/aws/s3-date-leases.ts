/**
 * Date leases in the lake bucket: `leases/snapshot_date=D.json` written with S3 conditional
 * requests. A lease is created only if absent (`If-None-Match: *`), so of two executions racing
 * for a date exactly one gets it; an expired lease is deleted only if unchanged (`If-Match` on
 * the ETag read), then the conditional create is tried again.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { StorageUnavailableError } from '../../core/errors';
import { acquireAll, dateInUse, isExpired, newLease, parseLease, type LeaseRecord } from '../../core/leases';
import type { IsoDate } from '../../core/dates';
import { leaseKey } from '../../core/lake/keys';
import type { Clock, DateLeases } from '../../core/ports';
import { awsErrorMessage, awsErrorName, isTransientAwsError } from './aws-errors';

/** A lease as read, with the ETag a conditional delete or renewal must match. */
interface ReadLease {
  readonly lease: LeaseRecord | undefined;
  readonly etag: string;
}

// A condition that failed means another execution changed the lease meanwhile: read it again.
// Each failure is another execution's progress, so a few attempts end the loop.
const maxAttempts = 5;

/** A failed precondition (412), or a conflicting conditional request in flight (409). */
const lostRace = (error: unknown): boolean => ['PreconditionFailed', 'ConditionalRequestConflict'].includes(awsErrorName(error));

/** {@link DateLeases} as objects in the lake bucket, held by an execution name. */
export class S3DateLeases implements DateLeases {
  public constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly clock: Clock,
  ) {}

  /** Leases every date to `holder`, all or none; refuses with DateInUseError while another execution's lease holds. */
  public async acquire(dates: readonly IsoDate[], holder: string): Promise<void> {
    await acquireAll(dates, (date) => this.acquireOne(date, holder), (date) => this.releaseOne(date, holder));
  }

  /** Deletes the leases `holder` holds among `dates`, each only if unchanged since read. */
  public async release(dates: readonly IsoDate[], holder: string): Promise<void> {
    for (const date of dates) await this.releaseOne(date, holder);
  }

  private async acquireOne(date: IsoDate, holder: string): Promise<void> {
    const key = leaseKey(date);
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const lease = newLease(holder, this.clock.now());
      if (await this.conditional(() => this.put(key, lease, { IfNoneMatch: '*' }), key)) return;
      const current = await this.read(key);
      if (current === undefined) continue;
      if (current.lease?.holder === holder) {
        // A redrive of the same execution: renew its own lease.
        if (await this.conditional(() => this.put(key, lease, { IfMatch: current.etag }), key)) return;
        continue;
      }
      if (current.lease !== undefined && !isExpired(current.lease, this.clock.now())) {
        throw dateInUse(
          date,
          current.lease,
          `wait for that execution to finish (spotify-etl remote status ${current.lease.holder}) and start again; ` +
            `if it is no longer running, delete s3://${this.bucket}/${key} or wait until the lease expires`,
        );
      }
      // Expired (its holder was aborted or timed out) or not a lease: take it over.
      await this.conditional(() => this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key, IfMatch: current.etag })), key);
    }
    throw new StorageUnavailableError(`Could not lease ${date}: s3://${this.bucket}/${key} changed under ${maxAttempts} attempts in a row; the step will be retried`);
  }

  private async releaseOne(date: IsoDate, holder: string): Promise<void> {
    const key = leaseKey(date);
    const current = await this.read(key);
    if (current?.lease?.holder !== holder) return;
    // A failed condition means another execution took the lease over after it expired: it is theirs now.
    await this.conditional(() => this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key, IfMatch: current.etag })), key);
  }

  private put(key: string, lease: LeaseRecord, condition: { IfNoneMatch: string } | { IfMatch: string }): Promise<unknown> {
    return this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: JSON.stringify(lease), ContentType: 'application/json', ...condition }),
    );
  }

  /** Runs a conditional request: true when it took effect, false when its condition failed. */
  private async conditional(send: () => Promise<unknown>, key: string): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (error) {
      if (lostRace(error) || awsErrorName(error) === 'NoSuchKey') return false;
      throw this.translate(key, error);
    }
  }

  /** The lease at `key` with its ETag, or undefined when there is none. */
  private async read(key: string): Promise<ReadLease | undefined> {
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const text = response.Body ? await response.Body.transformToString() : '';
      return { lease: parseLease(text), etag: response.ETag ?? '*' };
    } catch (error) {
      if (awsErrorName(error) === 'NoSuchKey') return undefined;
      throw this.translate(key, error);
    }
  }

  private translate(key: string, error: unknown): Error {
    const where = `S3 lease s3://${this.bucket}/${key}: ${awsErrorName(error)}: ${awsErrorMessage(error)}`;
    if (isTransientAwsError(error)) return new StorageUnavailableError(`${where}; the step will be retried`, { cause: error });
    return new Error(`${where}; check that the function's role may read, write and delete leases/*`, { cause: error });
  }
}
