/** The Parquet encoder, for a step whose lake declaration writes below curated/ (where the tables are). */
import { HyparquetTableEncoder } from '../../adapters/parquet/hyparquet-table-encoder';
import type { StepPorts } from '../ports';

/** The port a step writing curated tables gets. */
export const tables = (): Pick<StepPorts, 'encoder'> => ({ encoder: new HyparquetTableEncoder() });
