/** Failure alerts to an SNS topic: the Notifier port over the SNS SDK v3 client. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { AwsUnavailableError } from '../../core/errors';
import type { Notifier } from '../../core/ports';
import { awsErrorMessage, awsErrorName, isTransientAwsError } from './aws-errors';

// SNS limits: an email subject is at most 100 printable ASCII characters on one line, a
// message at most 256 KiB. https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
const maxSubjectLength = 100;
const maxMessageBytes = 256 * 1024;

/**
 * A subject SNS accepts: one line of printable ASCII, at most 100 characters.
 * @example snsSubject('Run failed:\n2026-11-20 – Spotify') // 'Run failed: 2026-11-20 ? Spotify'
 */
export const snsSubject = (subject: string): string => {
  const oneLine = subject.replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim();
  const text = oneLine.length > 0 ? oneLine : 'spotify-etl';
  return text.length <= maxSubjectLength ? text : `${text.slice(0, maxSubjectLength - 3)}...`;
};

/**
 * A message within SNS's size limit, cut on a character boundary with a note when too long.
 * @example snsMessage('short') // 'short'
 */
export const snsMessage = (message: string): string => {
  const bytes = Buffer.from(message, 'utf8');
  if (bytes.length <= maxMessageBytes) return message;
  const note = '\n[message truncated: see the run manifest for the full details]';
  const cut = bytes.subarray(0, maxMessageBytes - Buffer.byteLength(note) - 4).toString('utf8').replace(/\uFFFD+$/, '');
  return `${cut}${note}`;
};

/** Publishes each notification to one topic (FAILURE_TOPIC_ARN). */
export class SnsNotifier implements Notifier {
  /** `sns` is a configured client; `topicArn` the failure topic's ARN. */
  public constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  /** Publishes `message` with `subject` made valid for SNS. */
  public async notify(subject: string, message: string): Promise<void> {
    try {
      await this.sns.send(new PublishCommand({ TopicArn: this.topicArn, Subject: snsSubject(subject), Message: snsMessage(message) }));
    } catch (error) {
      const message = `SNS Publish to ${this.topicArn} failed: ${awsErrorName(error)}: ${awsErrorMessage(error)}`;
      throw isTransientAwsError(error) ? new AwsUnavailableError(message, { cause: error }) : new Error(message, { cause: error });
    }
  }
}
