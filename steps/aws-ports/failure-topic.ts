/** The failure topic's port. */
import { SNSClient } from '@aws-sdk/client-sns';
import { SnsNotifier } from '../../adapters/aws/sns-notifier';
import { envNames, type StepEnv } from '../env';
import type { StepPorts } from '../ports';
import { onFirstSend } from './first-send';

/** The port a `failureTopic` declaration brings, publishing to FAILURE_TOPIC_ARN. */
export const failureTopic = (env: StepEnv): Pick<StepPorts, 'notifier'> => ({
  notifier: new SnsNotifier(onFirstSend(() => new SNSClient({})), env[envNames.failureTopicArn] as string),
});
