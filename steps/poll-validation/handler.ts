/** PollValidation's Lambda: its logic bound to the AWS ports its contract declares, built once per cold start. */
import { queries } from '../aws-ports/queries';
import { awsHandler } from '../aws-wiring';
import { pollValidation } from './contract';
import { runPollValidation } from './step';

/** The Lambda entry point, with the adapters its declared resources call for (a mismatch fails the cold start). */
export const handler = awsHandler(pollValidation, runPollValidation, { queries });
