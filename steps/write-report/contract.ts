/** WriteReport: after RecordRun, draws the report of the published lake into reports/ (S3 in AWS, the lake folder locally). */
import * as t from 'io-ts';
import { IsoDate } from '../../core/dates';
import { ErrorName } from '../../core/errors';
import { defineStep } from '../../core/step';

/** The dates the run published (RecordRun's output). */
export const WriteReportInput = t.exact(t.type({ published: t.array(IsoDate) }));
export type WriteReportInput = t.TypeOf<typeof WriteReportInput>;

/** The lake keys written: the latest report, and the one kept for the run's last published date. */
export const WriteReportOutput = t.type({ latest: t.string, dated: t.union([t.string, t.null]) });
export type WriteReportOutput = t.TypeOf<typeof WriteReportOutput>;

/** The WriteReport step. */
export const writeReport = defineStep({
  stateName: 'WriteReport',
  dir: 'write-report',
  input: WriteReportInput,
  output: WriteReportOutput,
  // Transient ones are retried; anything else becomes ReportNotWritten (caught: the dates stay published).
  errors: [ErrorName.AwsUnavailable, ErrorName.StorageUnavailable, ErrorName.ReportNotWritten],
  // Up to two reports of five Athena queries each, run together.
  timeoutSeconds: 300,
  // Reads the published tables through Athena (which reads runs/ for the manifests the published
  // views join) and the manifests for run health; writes only below reports/.
  resources: { lake: { read: ['runs/'], write: ['reports/'] }, queries: 'run', charts: true },
});
