import { describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../../adapters/aws/s3-blob-store';
import { failureTopic } from '../../../steps/aws-ports/failure-topic';
import { lake } from '../../../steps/aws-ports/lake';
import { adaptersOf, awsPorts } from '../../../steps/aws-wiring';
import { allSteps, steps } from '../../../steps/registry';

/** The variables RecordRun and NotifyFailure bring. */
const env = { LAKE_BUCKET_NAME: 'lake-bucket', FAILURE_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:failures' };

describe('the AWS wiring', () => {
  it('builds the ports of the adapters a declaration calls for', () => {
    const ports = awsPorts(steps.recordRun, { lake }, env);

    expect(ports.store).toBeInstanceOf(S3BlobStore);
    expect(ports.lakeName).toBe('s3://lake-bucket');
  });

  it('fails the cold start of a handler that passes no adapters for a declared resource', () => {
    expect(() => awsPorts(steps.startValidation, { lake }, { ...env, ATHENA_WORKGROUP: 'wg', GLUE_DATABASE_NAME: 'db' })).toThrow(
      "StartValidation's handler must pass exactly the adapters its contract's resources call for: it declares queries but passes no queries adapters (steps/aws-ports/)",
    );
  });

  it('fails the cold start of a handler that passes adapters its declaration does not call for, which its bundle would carry for nothing', () => {
    expect(() => awsPorts(steps.recordRun, { lake, failureTopic }, env)).toThrow('it passes failureTopic adapters its declaration does not call for');
  });

  it('names the missing declaration when a step reaches for a port it did not declare', () => {
    const ports = awsPorts(steps.recordRun, { lake }, env);

    expect(() => ports.notifier).toThrow("RecordRun uses notifier, but its contract's resources do not declare failureTopic: add it there (core/resources.ts)");
  });

  it('gives the Parquet encoder only to steps writing tables below curated/', () => {
    const writers = allSteps.filter((step) => adaptersOf(step.resources).includes('tables')).map((step) => step.stateName);

    expect(writers).toEqual([steps.normalise.stateName]);
  });
});
