/** EvaluateValidation's Lambda: its logic bound to the AWS ports its contract declares, built once per cold start. */
import { lake } from '../aws-ports/lake';
import { queries } from '../aws-ports/queries';
import { awsHandler } from '../aws-wiring';
import { evaluateValidation } from './contract';
import { runEvaluateValidation } from './step';

/** The Lambda entry point, with the adapters its declared resources call for (a mismatch fails the cold start). */
export const handler = awsHandler(evaluateValidation, runEvaluateValidation, { lake, queries });
