/** WriteReport's Lambda: its logic bound to the AWS ports its contract declares, built once per cold start. */
import { awsHandler } from '../aws-wiring';
import { writeReport } from './contract';
import { runWriteReport } from './step';

/** The Lambda entry point. */
export const handler = awsHandler(writeReport, runWriteReport);
