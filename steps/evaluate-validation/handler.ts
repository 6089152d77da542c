/** EvaluateValidation's Lambda: its logic bound to the AWS ports its contract declares, built once per cold start. */
import { awsHandler } from '../aws-wiring';
import { evaluateValidation } from './contract';
import { runEvaluateValidation } from './step';

/** The Lambda entry point. */
export const handler = awsHandler(evaluateValidation, runEvaluateValidation);
