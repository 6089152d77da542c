/** StartValidation's Lambda: its logic bound to the AWS ports its contract declares, built once per cold start. */
import { awsHandler } from '../aws-wiring';
import { startValidation } from './contract';
import { runStartValidation } from './step';

/** The Lambda entry point. */
export const handler = awsHandler(startValidation, runStartValidation);
