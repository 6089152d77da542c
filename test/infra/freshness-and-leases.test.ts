/** The freshness alarm and the lease grants in the synthesized template. */
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../infra/config';
import { schedulePeriodHours } from '../../infra/freshness';
import { steps } from '../../steps/registry';
import { synthStack } from './synth';

const playlists = { 'spotify-etl:playlists': '3cEYpjA9oz9GiPac4AsH4n' };

const freshnessAlarms = (template: Template) =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((alarm) => alarm.Properties.MetricName === 'ExecutionsSucceeded');

describe('the freshness alarm', () => {
  it('fires into the failure topic when no execution succeeded for the daily period plus the 6 h margin, counting hours without data as none', () => {
    // Prepare
    const { stack } = synthStack(playlists, { bundle: false });
    // Act
    const template = Template.fromStack(stack);
    // Assess
    const topic = { Ref: stack.getLogicalId(stack.alerts.topic.node.defaultChild as never) };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionsSucceeded',
      Namespace: 'AWS/States',
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 30,
      DatapointsToAlarm: 30,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [topic],
    });
  });

  it('follows the schedule and the margin setting', () => {
    const { stack } = synthStack({ ...playlists, 'spotify-etl:schedule': 'rate(12 hours)', 'spotify-etl:freshnessMarginHours': '3' }, { bundle: false });

    const [alarm] = freshnessAlarms(Template.fromStack(stack));

    expect(alarm?.Properties).toMatchObject({ EvaluationPeriods: 15, DatapointsToAlarm: 15 });
  });

  it('is left out while no playlists are configured, since the schedule is disabled and nothing would ever succeed', () => {
    const { stack } = synthStack({}, { bundle: false });

    expect(freshnessAlarms(Template.fromStack(stack))).toHaveLength(0);
  });

  it.each([
    ['a monthly schedule', { 'spotify-etl:schedule': 'cron(0 6 1 * ? *)' }, 'must run at least weekly'],
    ['a window over CloudWatch\'s 7 days', { 'spotify-etl:schedule': 'cron(0 6 ? * MON *)', 'spotify-etl:freshnessMarginHours': 6 }, 'the freshness window is 174 h'],
    ['a margin of 0', { 'spotify-etl:freshnessMarginHours': 0 }, 'spotify-etl:freshnessMarginHours = 0'],
  ])('refuses %s at synth, naming the setting', (_case, context, message) => {
    const synth = () => synthStack(context, { bundle: false });

    expect(synth).toThrow(ConfigError);
    expect(synth).toThrow(message);
  });

  it.each([
    ['cron(0 6 * * ? *)', 24],
    ['cron(0 */6 * * ? *)', 24],
    ['cron(0 6 ? * MON-FRI *)', 168],
    ['rate(1 day)', 24],
    ['rate(90 minutes)', 2],
    ['cron(0 6 1 * ? *)', undefined],
  ])('bounds the gap between runs of %s at %s hours', (expression, hours) => {
    expect(schedulePeriodHours(expression)).toBe(hours);
  });
});

describe('the lease grants', () => {
  it('let ValidateInput read, write and delete leases/*, RecordRun and NotifyFailure read and delete them, and no other step touch them', () => {
    // Prepare
    const { stack } = synthStack(playlists, { bundle: false });
    const template = Template.fromStack(stack);
    const leaseActions = new Map<string, string[]>();
    // Act
    for (const [stateName, fn] of stack.pipeline.functions) {
      const roleId = stack.getLogicalId(fn.role?.node.defaultChild as never);
      const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
        JSON.stringify(policy.Properties.Roles).includes(roleId),
      );
      const statements = policies.flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
      const actions = statements.filter((statement) => JSON.stringify(statement.Resource).includes('/leases/*')).flatMap((statement) => [statement.Action].flat());
      if (actions.length > 0) leaseActions.set(stateName, actions.sort());
    }
    // Assess
    expect(Object.fromEntries(leaseActions)).toEqual({
      [steps.validateInput.stateName]: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
      [steps.recordRun.stateName]: ['s3:DeleteObject', 's3:GetObject'],
      [steps.notifyFailure.stateName]: ['s3:DeleteObject', 's3:GetObject'],
    });
  });
});
