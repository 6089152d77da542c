/** The charting library's port: a file infra copies beside the bundle of a step that declares `charts`. */
import { readChartLibrary } from '../../adapters/charts/echarts-library';
import type { StepPorts } from '../ports';

/** The port a `charts` declaration brings. */
export const charts = (): Pick<StepPorts, 'chartLibrary'> => ({ chartLibrary: readChartLibrary });
