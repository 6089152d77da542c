import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { echartsFile } from '../../adapters/charts/echarts-library';
import { bundleHandler } from '../../bench/lambda';
import { analystViews } from '../../core/analyst-views';
import { manifestsTableName, publishedViewSql } from '../../core/publication';
import { tableNames, tables, type TableName } from '../../core/tables';
import { placeholderFunctionArn, renderAsl } from '../../state-machine/render';
import { allSteps, steps } from '../../steps/registry';
import type { SpotifyEtlStack } from '../../infra/stack';
import { grantsOf } from '../../infra/grants';
import { Lake } from '../../infra/lake';
import { envNamesOf } from '../../steps/env';
import { credentialChainCode } from '../support/credential-chain';
import { tempFolder } from '../support/temp-folders';
import { synthStack } from './synth';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

const functionDefaults = ['POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME'];

/** The actions AWS only grants on Resource "*" (log delivery and X-Ray have no resource-level permissions). */
const starOnlyActions = new Set([
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
]);

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

describe('SpotifyEtlStack', () => {
  let stack: SpotifyEtlStack;
  let app: ReturnType<typeof synthStack>['app'];
  let template: Template;
  let resources: Resources;

  beforeAll(() => {
    ({ app, stack } = synthStack());
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources as Resources;
  }, 180_000);

  const functionOf = (stateName: string) => {
    const fn = stack.pipeline.functions.get(stateName);
    if (!fn) throw new Error(`no function for ${stateName}`);
    return { fn, logicalId: stack.getLogicalId(fn.node.defaultChild as never) };
  };

  /** The folder CDK bundled a step's function into (its index.mjs, and what is copied beside it). */
  const assetFolderOf = (stateName: string): string => {
    const properties = resources[functionOf(stateName).logicalId]?.Properties as { Code: { S3Key: string } };
    return join(app.outdir, `asset.${properties.Code.S3Key.replace(/\.zip$/, '')}`);
  };

  it('passes the cdk-nag AWS Solutions checks with no unacknowledged finding, each acknowledgement with a reason', () => {
    // Act
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const acknowledgements: { path: string; id: string; reason: unknown }[] = [];
    const visit = (node: IConstruct): void => {
      for (const entry of node.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) acknowledgements.push({ path: node.node.path, id, reason });
      }
      node.node.children.forEach(visit);
    };
    visit(app);
    // Assess
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const acknowledgement of acknowledgements) expect(String(acknowledgement.reason).length, acknowledgement.id).toBeGreaterThan(40);
  });

  it('builds one Node 24 arm64 function per step, handler steps/<dir>/handler.ts, with the timeout of its contract', () => {
    // Assess
    template.resourceCountIs('AWS::Lambda::Function', allSteps.length);
    for (const step of allSteps) {
      const { fn, logicalId } = functionOf(step.stateName);
      expect(fn.step).toBe(step);
      expect(resources[logicalId]?.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: step.timeoutSeconds,
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
      });
    }
  });

  it('sets on each function exactly the variables its declared resources bring', () => {
    // Assess
    for (const step of allSteps) {
      const { logicalId } = functionOf(step.stateName);
      const variables = (resources[logicalId]?.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
      expect(Object.keys(variables).sort(), step.stateName).toEqual([...envNamesOf(step.resources), ...functionDefaults].sort());
    }
    expect(envNamesOf(steps.normalise.resources)).toEqual(['LAKE_BUCKET_NAME']);
  });

  /** The statements of a function's role, with CloudFormation references resolved to JSON text for comparison. */
  const roleStatements = (stateName: string): { actions: string[]; resources: string[] }[] => {
    const role = functionOf(stateName).fn.role;
    const roleId = stack.getLogicalId(role?.node.defaultChild as never);
    const policies = Object.values(resources).filter(
      (resource) => resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties['Roles']) === JSON.stringify([{ Ref: roleId }]),
    );
    return policies
      .flatMap((policy) => (policy.Properties['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement)
      .map((statement) => ({ actions: asArray(statement['Action'] as string | string[]), resources: asArray(statement['Resource']).map((r) => JSON.stringify(r)) }))
      // The log group's grant comes with every function, not from a declaration.
      .filter((statement) => !statement.actions.every((action) => action.startsWith('logs:')));
  };

  it("gives each role exactly the statements its step's declaration implies, no more", () => {
    // Prepare: the declaration resolved against this stack's own resources, as CloudFormation shows them.
    const resolve = (value: string): unknown => JSON.parse(JSON.stringify(stack.resolve(value)));
    const arns = {
      bucketArn: stack.lake.bucket.bucketArn,
      credentialsSecretArn: stack.secrets.credentials.secretArn,
      tokenCacheSecretArn: stack.secrets.tokenCache.secretArn,
      crawlerArn: stack.catalog.crawlerArn,
      workGroupArn: stack.catalog.workGroupArn,
      catalogArns: stack.catalog.catalogArns,
      athenaResultsPrefix: Lake.athenaResultsPrefix,
      topicArn: stack.alerts.topic.topicArn,
      keyArn: (stack.node.findChild('EncryptionKey') as kms.IKey).keyArn,
      restartSchedulesArn: stack.pipeline.restarts.schedulesArn,
      restartRoleArn: stack.pipeline.restarts.role.roleArn,
    };
    const normal = (statements: { actions: readonly string[]; resources: readonly string[] }[]) =>
      [...new Set(statements.flatMap((statement) => statement.actions.flatMap((action) => statement.resources.map((resource) => `${action} ${resource}`))))].sort();
    // Assess
    for (const step of allSteps) {
      const expected = grantsOf(step.resources, arns).map((grant) => ({ actions: grant.actions, resources: grant.resources.map((r) => JSON.stringify(resolve(r))) }));
      expect(normal(roleStatements(step.stateName)), step.stateName).toEqual(normal(expected));
    }
  });

  it('lets the Spotify steps write raw/ only, and only the steps that prune delete anything of raw/', () => {
    // Prepare
    const bucket = stack.getLogicalId(stack.lake.bucket.node.defaultChild as never);
    const reach = (stateName: string, action: string): string[] =>
      roleStatements(stateName)
        .filter((statement) => statement.actions.includes(action))
        .flatMap((statement) => statement.resources)
        .filter((resource) => resource.includes(bucket))
        .map((resource) => /\/([a-z_/-]*)\*/.exec(resource)?.[1] ?? resource);
    // Assess
    for (const step of [steps.getPlaylist, steps.extractItems]) {
      expect(reach(step.stateName, 's3:PutObject').every((prefix) => prefix.startsWith('raw/')), step.stateName).toBe(true);
      expect(reach(step.stateName, 's3:PutObject')).not.toHaveLength(0);
    }
    // GetPlaylist clears a date's playlist.json and pages before a read.
    expect(reach(steps.getPlaylist.stateName, 's3:DeleteObject').toSorted()).toEqual(['raw/playlist_items/', 'raw/playlists/']);
    expect(reach(steps.extractItems.stateName, 's3:DeleteObject')).toEqual([]);
    const rawDeleters = allSteps.filter((step) => reach(step.stateName, 's3:DeleteObject').some((prefix) => prefix.startsWith('raw/') && !prefix.startsWith('raw/requests/')));
    expect(rawDeleters.map((step) => step.stateName)).toEqual([steps.getPlaylist.stateName]);
    // The request counts are only ever added to: no step deletes them (a lifecycle rule expires them).
    const countDeleters = allSteps.filter((step) => reach(step.stateName, 's3:DeleteObject').some((prefix) => prefix.startsWith('raw/requests/')));
    expect(countDeleters.map((step) => step.stateName)).toEqual([]);
    // Only the publishing step deletes curated/ files of other runs; Normalise clears its own run folder.
    const curatedDeleters = allSteps.filter((step) => reach(step.stateName, 's3:DeleteObject').some((prefix) => prefix.startsWith('curated/')));
    expect(curatedDeleters.map((step) => step.stateName)).toEqual([steps.normalise.stateName, steps.recordRun.stateName]);
  });

  it('lets EventBridge Scheduler of this account start only this state machine, and only NotifyFailure schedule it with that role', () => {
    // Prepare
    const role = stack.getLogicalId(stack.pipeline.restarts.role.node.defaultChild as never);
    const machineArn = JSON.stringify(stack.resolve(stack.pipeline.restarts.stateMachineArn));
    // Assess: the role trusts Scheduler, for this account only.
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
    const roleStatementsOf = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy' && JSON.stringify(resource.Properties['Roles']).includes(role))
      .flatMap((policy) => (policy.Properties['PolicyDocument'] as { Statement: Record<string, unknown>[] }).Statement);
    expect(roleStatementsOf.map((statement) => [statement['Action'], JSON.stringify(statement['Resource'])])).toEqual([['states:StartExecution', machineArn]]);
    // The formatted ARN names the deployed machine (formatted, not referenced: NotifyFailure's environment would make a cycle).
    expect(machineArn).toContain(':stateMachine:spotify-etl');
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: 'spotify-etl' });
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: stack.pipeline.restarts.groupName });
    // Only NotifyFailure may create schedules and pass the role; its function knows where.
    const schedulers = allSteps.filter((step) => roleStatements(step.stateName).some((statement) => statement.actions.some((action) => action === 'scheduler:CreateSchedule' || action === 'iam:PassRole')));
    expect(schedulers.map((step) => step.stateName)).toEqual([steps.notifyFailure.stateName]);
    const passed = roleStatements(steps.notifyFailure.stateName).filter((statement) => statement.actions.includes('iam:PassRole'));
    expect(passed.flatMap((statement) => statement.resources)).toEqual([JSON.stringify({ 'Fn::GetAtt': [role, 'Arn'] })]);
    const variables = (resources[functionOf(steps.notifyFailure.stateName).logicalId]?.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    expect(variables).toMatchObject({ STATE_MACHINE_ARN: JSON.parse(machineArn), RESTART_SCHEDULE_GROUP: stack.pipeline.restarts.groupName, RESTART_ROLE_ARN: { 'Fn::GetAtt': [role, 'Arn'] } });
  });

  it('bundles every handler so that it loads on Node 24 with the environment infra gives it', () => {
    // Prepare: each function's bundled index.mjs with its variables (tokens stand for values
    // CloudFormation fills in; the handlers only need them present and well-formed).
    const bundles = allSteps.map((step) => {
      const properties = resources[functionOf(step.stateName).logicalId]?.Properties as { Environment: { Variables: Record<string, unknown> } };
      const env = Object.fromEntries(
        Object.entries(properties.Environment.Variables).map(([name, value]) => [name, typeof value === 'string' ? value : `token-for-${name}`]),
      );
      return { step: step.stateName, path: join(assetFolderOf(step.stateName), 'index.mjs'), env };
    });
    // One process imports them in turn, as a cold start would: loadEnv throws on a missing variable.
    const script = `
      const base = { ...process.env };
      const loaded = {};
      for (const bundle of JSON.parse(process.argv[1])) {
        process.env = { ...base, AWS_REGION: 'eu-west-1', ...bundle.env };
        try { loaded[bundle.step] = typeof (await import(bundle.path)).handler; } catch (error) { loaded[bundle.step] = String(error); }
      }
      process.stdout.write(JSON.stringify(loaded));`;
    // Act
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(bundles)], { encoding: 'utf8' });
    // Assess
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(Object.fromEntries(allSteps.map((step) => [step.stateName, 'function'])));
  });

  it("bundles every handler byte for byte as bench/lambda.ts's bundleHandler does, which the bundle tests and the bench build through", async () => {
    // Prepare
    const folder = await tempFolder('stack-bundles-');
    const differing: string[] = [];
    // Act
    for (const step of allSteps) {
      const { file } = await bundleHandler(step.dir, join(folder, step.dir), 'bundled');
      if (!readFileSync(file).equals(readFileSync(join(assetFolderOf(step.stateName), 'index.mjs')))) differing.push(step.stateName);
    }
    // Assess
    expect(differing).toEqual([]);
  }, 120_000);

  it('bundles every handler with AWS credentials from the environment only, not the SDK\'s default chain', () => {
    const assets = allSteps.map((step) => ({ step: step.stateName, text: readFileSync(join(assetFolderOf(step.stateName), 'index.mjs'), 'utf8') }));

    expect(assets.filter((asset) => credentialChainCode.test(asset.text)).map((asset) => asset.step)).toEqual([]);
    expect(assets.filter((asset) => !asset.text.includes('no AWS credentials: ')).map((asset) => asset.step)).toEqual([]);
  });

  it('points the bound variables at this stack\'s resources', () => {
    // Prepare
    const variablesOf = (stateName: string) =>
      (resources[functionOf(stateName).logicalId]?.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables;
    const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as never);
    // Assess
    expect(variablesOf(steps.normalise.stateName)['LAKE_BUCKET_NAME']).toEqual({ Ref: logicalId(stack.lake.bucket) });
    expect(variablesOf(steps.fetchToken.stateName)).toMatchObject({
      SPOTIFY_CREDENTIALS_SECRET_ID: { Ref: logicalId(stack.secrets.credentials) },
      SPOTIFY_TOKEN_CACHE_SECRET_ID: { Ref: logicalId(stack.secrets.tokenCache) },
      SPOTIFY_API_BASE_URL: 'https://api.spotify.com/v1',
      SPOTIFY_ACCOUNTS_BASE_URL: 'https://accounts.spotify.com',
      SPOTIFY_GRANT: 'refresh_token',
    });
    expect(variablesOf(steps.startCrawler.stateName)['GLUE_CRAWLER_NAME']).toBe('spotify-etl-curated');
    expect(variablesOf(steps.startValidation.stateName)).toMatchObject({ ATHENA_WORKGROUP: 'spotify-etl', GLUE_DATABASE_NAME: 'spotify_etl' });
    expect(variablesOf(steps.notifyFailure.stateName)['FAILURE_TOPIC_ARN']).toEqual({ Ref: logicalId(stack.alerts.topic) });
  });

  it('scopes every IAM statement to this stack\'s resources, with "*" only for actions AWS grants on "*" alone', () => {
    // Prepare
    const own = new Set(Object.keys(resources));
    // This account's Data Catalog, and resources named after this stack's prefix.
    const ownNames = [':catalog"', 'spotify-etl', 'spotify_etl', '/aws-glue/crawlers'];
    const statements = Object.values(resources).flatMap((resource) => {
      const documents =
        resource.Type === 'AWS::IAM::Policy'
          ? [resource.Properties['PolicyDocument']]
          : resource.Type === 'AWS::IAM::Role'
            ? asArray(resource.Properties['Policies'] as { PolicyDocument: unknown }[]).map((policy) => policy.PolicyDocument)
            : [];
      return documents.flatMap((document) => (document as { Statement: Record<string, unknown>[] }).Statement);
    });
    // Assess
    expect(statements.length).toBeGreaterThan(20);
    for (const statement of statements) {
      expect(statement['Effect']).toBe('Allow');
      for (const action of asArray(statement['Action'] as string | string[])) expect(action).not.toMatch(/^\*$|:\*$/);
      for (const resource of asArray(statement['Resource'])) {
        if (resource === '*') {
          for (const action of asArray(statement['Action'] as string | string[])) expect(starOnlyActions, `${action} on *`).toContain(action);
          continue;
        }
        const text = JSON.stringify(resource);
        const references = [...text.matchAll(/"(?:Ref|Fn::GetAtt)":\s*\[?"([A-Za-z0-9]+)"/g)].map((match) => match[1] ?? '');
        const ownReference = references.some((id) => own.has(id));
        const ownName = text.includes('AWS::AccountId') && ownNames.some((name) => text.includes(name));
        expect(ownReference || ownName, `resource ${text}`).toBe(true);
      }
    }
  });

  it('deploys exactly the ASL the local executor runs, modulo the function ARNs', () => {
    // Prepare
    const byLogicalId = new Map(allSteps.map((step) => [functionOf(step.stateName).logicalId, step]));
    const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012', 'AWS::URLSuffix': 'amazonaws.com' };
    const resolve = (value: unknown): string => {
      if (typeof value === 'string') return value;
      const token = value as { 'Fn::Join'?: [string, unknown[]]; 'Fn::GetAtt'?: [string, string]; Ref?: string };
      if (token['Fn::Join']) return token['Fn::Join'][1].map(resolve).join(token['Fn::Join'][0]);
      const step = token['Fn::GetAtt'] && byLogicalId.get(token['Fn::GetAtt'][0]);
      if (step && token['Fn::GetAtt']?.[1] === 'Arn') return placeholderFunctionArn(step);
      if (token.Ref && pseudo[token.Ref]) return pseudo[token.Ref] ?? '';
      throw new Error(`unexpected token in the deployed definition: ${JSON.stringify(value)}`);
    };
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    // Act
    const deployed = JSON.parse(resolve(machine?.Properties.DefinitionString)) as unknown;
    // Assess
    expect(deployed).toEqual(renderAsl());
  });

  it("lets the state machine start, watch, stop and redrive its own playlist child executions, and nothing else's", () => {
    // Prepare
    const role = { Ref: stack.getLogicalId(stack.pipeline.stateMachine.role.node.defaultChild as never) };
    const machine = { Ref: stack.getLogicalId(stack.pipeline.stateMachine.node.defaultChild as never) };
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => asArray(policy.Properties.Roles).some((r) => JSON.stringify(r) === JSON.stringify(role)))
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement);
    const resourcesOf = (action: string): unknown[] =>
      statements.filter((statement) => asArray(statement['Action'] as string | string[]).includes(action)).flatMap((statement) => asArray(statement['Resource']));
    // This machine's executions: `arn:…:execution:<its name>` (the name split out of its own ARN) and a suffix.
    const executions = (suffix: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':execution:', { 'Fn::Select': [6, { 'Fn::Split': [':', machine] }] }, suffix]],
    });
    // Assess: the machine itself, its executions, and its Map Runs' child executions; nothing else.
    expect(resourcesOf('states:StartExecution')).toEqual([machine]);
    expect(resourcesOf('states:DescribeExecution')).toEqual([executions(':*')]);
    expect(resourcesOf('states:StopExecution')).toEqual([executions(':*')]);
    expect(resourcesOf('states:RedriveExecution')).toEqual([executions('/*:*')]);
  });

  it('logs every state machine event without execution data, and traces with X-Ray', () => {
    // Assess
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false, Destinations: [Match.anyValue()] },
    });
  });

  it("logs the EXPRESS playlist children, which keep no history of their own, to the run's vended log group", () => {
    // Prepare
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const [destination] = (machine?.Properties.LoggingConfiguration as { Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [string, string] } } }[] }).Destinations;
    const logGroup = resources[destination?.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0] ?? ''];
    // Assess: the children run EXPRESS (the deployed ASL is the rendered one) and log through the parent's configuration
    expect(JSON.stringify(machine?.Properties.DefinitionString)).toContain('\\"ExecutionType\\":\\"EXPRESS\\"');
    expect(logGroup).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: expect.stringMatching(/^\/aws\/vendedlogs\/states\//) } });
  });

  it('keeps the lake private, encrypted, TLS-only, access-logged, and expires Athena results and request counts', () => {
    // Prepare
    const lake = resources[stack.getLogicalId(stack.lake.bucket.node.defaultChild as never)]?.Properties;
    // Assess
    expect(lake).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: stack.getLogicalId(stack.lake.accessLogs.node.defaultChild as never) } },
    });
    expect((lake as { LifecycleConfiguration: { Rules: unknown[] } }).LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ Prefix: 'athena-results/', ExpirationInDays: 7, Status: 'Enabled' }),
    );
    // Nothing deletes the per-invocation request counts, so without this rule they would stay for good.
    expect((lake as { LifecycleConfiguration: { Rules: unknown[] } }).LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ Prefix: 'raw/requests/', ExpirationInDays: 35, Status: 'Enabled' }),
    );
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: stack.getLogicalId(stack.lake.bucket.node.defaultChild as never) },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('grants reports/ to no one outside the account: no bucket policy allows it, and only WriteReport\'s role writes it', () => {
    // Prepare
    const bucket = stack.getLogicalId(stack.lake.bucket.node.defaultChild as never);
    const policies = Object.values(resources).filter((resource) => resource.Type === 'AWS::S3::BucketPolicy');
    const allows = policies.flatMap(
      (policy) => ((policy.Properties as { PolicyDocument: { Statement: { Effect: string }[] } }).PolicyDocument.Statement ?? []).filter((statement) => statement.Effect === 'Allow'),
    );
    const writers = allSteps.filter((step) =>
      roleStatements(step.stateName).some(
        (statement) => statement.actions.includes('s3:PutObject') && statement.resources.some((resource) => resource.includes(bucket) && resource.includes('reports/')),
      ),
    );
    // Assess: reading a report takes a URL signed by someone whose own IAM access reaches it
    expect(allows.filter((statement) => JSON.stringify(statement).includes('reports/') || JSON.stringify(statement).includes('"*"'))).toEqual([]);
    expect(writers.map((step) => step.stateName)).toEqual([steps.writeReport.stateName]);
  });

  it('bundles the charting library beside WriteReport\'s handler only, where the report reads it', () => {
    expect(existsSync(join(assetFolderOf(steps.writeReport.stateName), echartsFile))).toBe(true);
    expect(allSteps.filter((step) => existsSync(join(assetFolderOf(step.stateName), echartsFile))).map((step) => step.stateName)).toEqual([steps.writeReport.stateName]);
  });

  it('crawls one include path per curated table, new folders only, under its security configuration', () => {
    // Prepare
    const [crawler] = Object.values(template.findResources('AWS::Glue::Crawler'));
    const properties = crawler?.Properties as Record<string, unknown>;
    // Assess
    expect((properties['Targets'] as { S3Targets: { Path: unknown }[] }).S3Targets).toHaveLength(tableNames.length);
    expect(JSON.stringify(properties['Targets'])).toContain('/curated/playlist_items/');
    expect(properties).toMatchObject({
      Name: 'spotify-etl-curated',
      DatabaseName: 'spotify_etl',
      RecrawlPolicy: { RecrawlBehavior: 'CRAWL_NEW_FOLDERS_ONLY' },
      SchemaChangePolicy: { UpdateBehavior: 'LOG', DeleteBehavior: 'LOG' },
      CrawlerSecurityConfiguration: 'spotify-etl-crawler',
      TablePrefix: 'staged_',
    });
    expect(properties['Schedule']).toBeUndefined();
    expect(JSON.parse(properties['Configuration'] as string)).toMatchObject({
      Grouping: { TableGroupingPolicy: 'CombineCompatibleSchemas' },
      CrawlerOutput: { Tables: { TableThreshold: tableNames.length } },
    });
    template.hasResourceProperties('AWS::Glue::SecurityConfiguration', {
      EncryptionConfiguration: { CloudWatchEncryption: { CloudWatchEncryptionMode: 'SSE-KMS' } },
    });
  });

  it('shows analysts only published data: one view per curated table joining its staged files with the run manifests', () => {
    // Prepare
    const tablesOf = Object.values(template.findResources('AWS::Glue::Table')).map(
      (table) => (table.Properties as { TableInput: Record<string, unknown> }).TableInput,
    );
    const views = tablesOf.filter((input) => input['TableType'] === 'VIRTUAL_VIEW');
    const manifests = tablesOf.find((input) => input['Name'] === manifestsTableName);
    // Assess
    expect(manifests).toMatchObject({
      TableType: 'EXTERNAL_TABLE',
      StorageDescriptor: { SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' } },
    });
    expect(JSON.stringify(manifests)).toContain('/runs/');
    expect(views.map((view) => view['Name'])).toEqual([...tableNames, ...analystViews.map((view) => view.name)]);
    for (const view of views.filter((input) => (tableNames as string[]).includes(input['Name'] as string))) {
      const table = view['Name'] as TableName;
      const text = /^\/\* Presto View: (.+) \*\/$/.exec(view['ViewOriginalText'] as string)?.[1] ?? '';
      const presto = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as { originalSql: string; schema: string; columns: { name: string }[] };
      expect(presto).toMatchObject({ originalSql: publishedViewSql(table, 'spotify_etl'), schema: 'spotify_etl' });
      expect(presto.columns.map((column) => column.name)).toEqual([...tables[table].map((column) => column.name), 'snapshot_date']);
    }
  });

  it('declares the analysts\' views over the published views, with their Trino SQL and columns', () => {
    // Prepare
    const views = Object.values(template.findResources('AWS::Glue::Table'))
      .map((table) => (table.Properties as { TableInput: Record<string, unknown> }).TableInput)
      .filter((input) => input['TableType'] === 'VIRTUAL_VIEW');
    // Assess
    for (const analyst of analystViews) {
      const view = views.find((input) => input['Name'] === analyst.name);
      const text = /^\/\* Presto View: (.+) \*\/$/.exec(String(view?.['ViewOriginalText']))?.[1] ?? '';
      const presto = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as { originalSql: string; columns: { name: string; type: string }[] };
      expect(presto.originalSql).toBe(analyst.sql((relation) => `"spotify_etl"."${relation}"`));
      expect(presto.columns).toEqual(analyst.columns.map((column) => ({ name: column.name, type: column.trino })));
    }
  });

  it('enforces the Athena workgroup settings: encrypted results in the lake and a bytes-scanned limit', () => {
    // Assess
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'spotify-etl',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 1_073_741_824,
        ResultConfiguration: {
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: stack.getLogicalId(stack.lake.bucket.node.defaultChild as never) }, '/athena-results/']] },
        },
      },
    });
  });

  it('schedules the machine with the scheduled time, retries and a dead-letter queue, disabled while no playlists are configured', () => {
    // Assess
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'DISABLED',
      Target: {
        Arn: { Ref: stack.getLogicalId(stack.pipeline.stateMachine.node.defaultChild as never) },
        Input: '{"mode":"scheduled","scheduledTime":"<aws.scheduler.scheduled-time>"}',
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 21_600 },
        DeadLetterConfig: { Arn: Match.anyValue() },
      },
    });
  });

  it('alarms on failed, timed-out and throttled executions and on dead letters, into the encrypted failure topic', () => {
    // Prepare
    const topic = { Ref: stack.getLogicalId(stack.alerts.topic.node.defaultChild as never) };
    // Assess
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionThrottled']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: metric, Namespace: 'AWS/States', Threshold: 1, AlarmActions: [topic] });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', AlarmActions: [topic] });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('creates the Spotify secrets without putting any secret value in the template', () => {
    // Assess
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'spotify-etl/spotify-credentials', GenerateSecretString: Match.anyValue() });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'spotify-etl/spotify-token-cache' });
    for (const secret of Object.values(template.findResources('AWS::SecretsManager::Secret'))) expect(secret.Properties.SecretString).toBeUndefined();
  });
});

describe('SpotifyEtlStack configured from context', () => {
  it('enables the schedule, passes the playlists and the reject tolerance, and subscribes the alert e-mail when they are configured', () => {
    // Prepare
    const { stack } = synthStack(
      {
        'spotify-etl:playlists': '3cEYpjA9oz9GiPac4AsH4n,37i9dQZF1DXcBWIGoYBM5M',
        'spotify-etl:alertEmail': 'data-team@example.com',
        'spotify-etl:schedule': 'cron(30 4 * * ? *)',
        'spotify-etl:scheduleTimezone': 'Europe/Berlin',
        'spotify-etl:rejectTolerance': '25',
      },
      { bundle: false },
    );
    // Act
    const template = Template.fromStack(stack);
    // Assess
    template.hasResourceProperties('AWS::Scheduler::Schedule', { State: 'ENABLED', ScheduleExpression: 'cron(30 4 * * ? *)', ScheduleExpressionTimezone: 'Europe/Berlin' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DEFAULT_PLAYLIST_IDS: '3cEYpjA9oz9GiPac4AsH4n,37i9dQZF1DXcBWIGoYBM5M' }) },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'data-team@example.com' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REJECT_TOLERANCE: '25', ATHENA_WORKGROUP: Match.anyValue() }) },
    });
  });
});
