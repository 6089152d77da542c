import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SnsNotifier, snsMessage, snsSubject } from '../../../adapters/aws/sns-notifier';
import { AwsUnavailableError } from '../../../core/errors';

const sns = mockClient(SNSClient);
const topicArn = 'arn:aws:sns:eu-west-1:123456789012:spotify-etl-failures';
const notifier = new SnsNotifier(new SNSClient({ region: 'eu-west-1' }), topicArn);

describe('SnsNotifier', () => {
  beforeEach(() => {
    sns.reset();
  });

  it('publishes the subject and message to the failure topic', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    // Act
    await notifier.notify('spotify-etl run 2026-11-20 failed', 'SpotifyThrottledError: retry after 3600 s');
    // Assess
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input)).toEqual([
      { TopicArn: topicArn, Subject: 'spotify-etl run 2026-11-20 failed', Message: 'SpotifyThrottledError: retry after 3600 s' },
    ]);
  });

  it('makes a subject SNS accepts: one printable ASCII line of at most 100 characters', () => {
    // Act
    const subject = snsSubject(`Run failed:\n2026-11-20 – ${'x'.repeat(200)}`);
    // Assess
    expect(subject).toHaveLength(100);
    expect(subject).toMatch(/^Run failed: 2026-11-20 \? x+\.\.\.$/);
  });

  it('cuts a message over 256 KiB and says where to find the rest', () => {
    // Act
    const message = snsMessage('é'.repeat(200_000));
    // Assess
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(256 * 1024);
    expect(message).toMatch(/^é+\n\[message truncated: see the run manifest/);
  });

  it('fails with AwsUnavailableError, which the machine retries, when SNS throttles', async () => {
    // Prepare
    sns.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } }));
    // Act / Assess
    await expect(notifier.notify('s', 'm')).rejects.toBeInstanceOf(AwsUnavailableError);
  });

  it('fails naming the topic when SNS refuses the message', async () => {
    // Prepare
    sns.on(PublishCommand).rejects(Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException', $metadata: { httpStatusCode: 404 } }));
    // Act / Assess
    await expect(notifier.notify('s', 'm')).rejects.toThrow(`SNS Publish to ${topicArn} failed: NotFoundException: Topic does not exist`);
  });
});
