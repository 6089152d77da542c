/** ValidateInput's Lambda: its logic bound to the AWS ports its contract declares, built once per cold start. */
import { awsHandler } from '../aws-wiring';
import { validateInput } from './contract';
import { runValidateInput } from './step';

/** The Lambda entry point. */
export const handler = awsHandler(validateInput, runValidateInput);
