/** NotifyFailure's Lambda: AWS wiring only, built once per cold start. */
import * as t from 'io-ts';
import { systemClock } from '../../core/dates';
import { awsHandler, dateLeases, failureNotifier, lakeStore } from '../aws-wiring';
import { FailureTopicEnv, LakeEnv, loadEnv } from '../env';
import { notifyFailure } from './contract';
import { runNotifyFailure } from './step';

const env = loadEnv(t.intersection([FailureTopicEnv, LakeEnv]));

/** The Lambda entry point. */
export const handler = awsHandler(notifyFailure, runNotifyFailure({ store: lakeStore(env), notifier: failureNotifier(env), clock: systemClock, leases: dateLeases(env) }));
