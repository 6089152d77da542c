/** The lake bucket's ports: the blob store and the date leases, sharing one S3 client. */
import { S3Client } from '@aws-sdk/client-s3';
import { S3BlobStore } from '../../adapters/aws/s3-blob-store';
import { S3DateLeases } from '../../adapters/aws/s3-date-leases';
import { systemClock } from '../../core/dates';
import { envNames, type StepEnv } from '../env';
import type { StepPorts } from '../ports';
import { onFirstSend } from './first-send';

/** The ports a `lake` declaration brings, over the bucket LAKE_BUCKET_NAME names. */
export const lake = (env: StepEnv): Pick<StepPorts, 'store' | 'leases' | 'lakeName'> => {
  const bucket = env[envNames.lakeBucket] as string;
  const s3 = onFirstSend(() => new S3Client({}));
  return { store: new S3BlobStore(s3, bucket), leases: new S3DateLeases(s3, bucket, systemClock), lakeName: `s3://${bucket}` };
};
