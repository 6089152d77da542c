/** RecordRun's Lambda: its logic bound to the AWS ports its contract declares, built once per cold start. */
import { lake } from '../aws-ports/lake';
import { awsHandler } from '../aws-wiring';
import { recordRun } from './contract';
import { runRecordRun } from './step';

/** The Lambda entry point, with the adapters its declared resources call for (a mismatch fails the cold start). */
export const handler = awsHandler(recordRun, runRecordRun, { lake });
