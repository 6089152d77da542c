/** Normalise's Lambda: its logic bound to the AWS ports its contract declares, built once per cold start. */
import { awsHandler } from '../aws-wiring';
import { normalise } from './contract';
import { runNormalise } from './step';

/** The Lambda entry point. */
export const handler = awsHandler(normalise, runNormalise);
