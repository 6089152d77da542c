/** NotifyFailure's Lambda: its logic bound to the AWS ports its contract declares, built once per cold start. */
import { awsHandler } from '../aws-wiring';
import { notifyFailure } from './contract';
import { runNotifyFailure } from './step';

/** The Lambda entry point. */
export const handler = awsHandler(notifyFailure, runNotifyFailure);
