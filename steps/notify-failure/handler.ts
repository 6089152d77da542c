/** NotifyFailure's Lambda: its logic bound to the AWS ports its contract declares, built once per cold start. */
import { failureTopic } from '../aws-ports/failure-topic';
import { lake } from '../aws-ports/lake';
import { restarts } from '../aws-ports/restarts';
import { awsHandler } from '../aws-wiring';
import { notifyFailure } from './contract';
import { runNotifyFailure } from './step';

/** The Lambda entry point, with the adapters its declared resources call for (a mismatch fails the cold start). */
export const handler = awsHandler(notifyFailure, runNotifyFailure, { lake, failureTopic, restarts });
