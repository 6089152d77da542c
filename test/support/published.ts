/** Where a lake's published data of a date is, read the way every reader finds it: through the date's manifest. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { curatedPartKey, runManifestKey } from '../../core/lake/keys';
import type { RunManifest } from '../../core/lake/manifest';
import type { TableName } from '../../core/tables';

/** The manifest of `date` in the lake at `root`. */
export const manifestAt = (root: string, date: string): RunManifest =>
  JSON.parse(readFileSync(join(root, runManifestKey(date)), 'utf8')) as RunManifest;

/** The path of the published Parquet part of `table` on `date`; throws when nothing is published. */
export const publishedPart = (root: string, table: TableName, date: string): string => {
  const published = manifestAt(root, date).published;
  if (published === null) throw new Error(`nothing is published for ${date} in ${root}`);
  return join(root, curatedPartKey(table, date, published.runId, 0));
};
