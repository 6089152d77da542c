/** The re-consent alarm in the synthesized template: FetchToken's refresh token age, two weeks before Spotify's six months. */
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { reconsentWarningAgeDays, refreshTokenLifetimeDays } from '../../core/reconsent';
import { refreshTokenAgeMetric } from '../../steps/fetch-token/contract';
import { steps } from '../../steps/registry';
import { synthStack } from './synth';

const ageAlarms = (template: Template) =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((alarm) => alarm.Properties.MetricName === refreshTokenAgeMetric);

describe('the re-consent alarm', () => {
  it("fires into the failure topic when FetchToken's refresh token reaches 168 days, two weeks before Spotify's 182, on the metric its Lambda publishes", () => {
    // Prepare
    const { stack } = synthStack({}, { bundle: false });
    // Act
    const template = Template.fromStack(stack);
    // Assess
    const topic = { Ref: stack.getLogicalId(stack.alerts.topic.node.defaultChild as never) };
    expect(reconsentWarningAgeDays).toBe(168);
    expect(refreshTokenLifetimeDays - reconsentWarningAgeDays).toBe(14);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RefreshTokenAgeDays',
      // Powertools writes the metric under POWERTOOLS_METRICS_NAMESPACE with the service and stateName dimensions.
      Namespace: 'spotify-etl',
      Dimensions: [
        { Name: 'service', Value: 'spotify-etl' },
        { Name: 'stateName', Value: steps.fetchToken.stateName },
      ],
      Statistic: 'Maximum',
      Period: 86_400,
      EvaluationPeriods: 1,
      Threshold: 168,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
      AlarmActions: [topic],
    });
    const [alarm] = ageAlarms(template);
    expect(alarm?.Properties.AlarmDescription).toContain('spotify-etl auth login');
    expect(alarm?.Properties.AlarmDescription).toContain('docs/operations.md#re-consent');
  });

  it('is namespaced like the functions that publish the metric', () => {
    // Prepare
    const { stack } = synthStack({ 'spotify-etl:namePrefix': 'archive-b' }, { bundle: false });
    // Act
    const template = Template.fromStack(stack);
    // Assess
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find((resource) =>
      String(resource.Properties.Description).endsWith(`: ${steps.fetchToken.stateName}`),
    );
    const [alarm] = ageAlarms(template);
    expect(alarm?.Properties.Namespace).toBe(fn?.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE);
    expect(alarm?.Properties.Dimensions).toContainEqual({ Name: 'service', Value: fn?.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME });
  });

  it('is not created for the client credentials grant, which has no refresh token', () => {
    const { stack } = synthStack({ 'spotify-etl:spotifyGrant': 'client_credentials' }, { bundle: false });

    expect(ageAlarms(Template.fromStack(stack))).toEqual([]);
  });
});
