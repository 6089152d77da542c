/**
 * One Lambda per step, with the function defaults in one place (STYLE §6): Node 24 on arm64,
 * an ESM bundle built locally by esbuild with keepNames (Step Functions matches on
 * `error.name`) and a source map beside it (read on a failure, not at every cold start:
 * steps/source-mapped-stack.ts), a log group with retention, and a role holding nothing but
 * what its step's declared resources imply (bindDeclared). Environment variables are set only
 * there, each together with the IAM access the variable implies.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { echartsPackagePath } from '../adapters/charts/echarts-library';
import type { AnyStep } from '../steps/registry';
import { environmentOf, envNames, type EnvValues } from '../steps/env';
import { ConfigError, contextKey } from './config';
import { grantsOf, objectPrefixesOf, type ResourceArns } from './grants';
import { lambdaAliases, lambdaBanner } from './lambda-builtins';
import { bucketNameMaxChars, environmentBytes, environmentLimitBytes } from './lambda-environment';
import { Lake } from './lake';
import { acknowledge, logicalIdOf, wildcardResourceFinding } from './nag';

/** The repository root: entries, tsconfig and the lock file are found from here. */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Lambda memory per step where the default is too small. */
const memoryMiB: Partial<Record<AnyStep['stateName'], number>> = {
  // Normalise holds a date's rows and encodes Parquet; memory also buys CPU in Lambda.
  Normalise: 1024,
};
const defaultMemoryMiB = 256;

/** Bundling hooks that copy one file into the function's asset, beside its bundle. */
const copyBesideBundle = (file: string): ICommandHooks => ({
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (_inputDir: string, outputDir: string) => [`cp ${JSON.stringify(file)} ${JSON.stringify(outputDir)}/`],
});

/** What a declaration is resolved against: the stack's ARNs, the variables' values and the lake. */
export interface DeclaredTargets {
  readonly arns: ResourceArns;
  readonly env: EnvValues;
  readonly lake: Lake;
}

/** Properties of a {@link StepFunction}. */
export interface StepFunctionProps {
  readonly step: AnyStep;
  readonly logRetention: logs.RetentionDays;
  readonly namePrefix: string;
}

/** A step's Lambda: entry `steps/<dir>/handler.ts`, timeout from the step's contract. */
export class StepFunction extends NodejsFunction {
  /** The step this function runs. */
  public readonly step: AnyStep;
  /** Every variable set on the function, kept to measure against Lambda's limit (the Function keeps its own private). */
  private readonly variables: Record<string, string>;

  /** Builds the function with the shared defaults and an otherwise empty role. */
  public constructor(scope: Construct, id: string, props: StepFunctionProps) {
    assertLocalEsbuild();
    const { step } = props;
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${step.stateName} step of ${props.namePrefix}`,
    });
    super(scope, id, {
      entry: `${repoRoot}steps/${step.dir}/handler.ts`,
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: `${repoRoot}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: memoryMiB[step.stateName] ?? defaultMemoryMiB,
      timeout: Duration.seconds(step.timeoutSeconds),
      description: `${props.namePrefix}: ${step.stateName}`,
      role,
      logGroup,
      environment: powertoolsEnvironment(props.namePrefix),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        // io-ts and fp-ts ship ES modules under `module`: a third of the CommonJS size.
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Step Functions matches Retry/Catch on error.name; minified class names would break that.
        keepNames: true,
        // The pinned SDK the adapters were tested with, not whichever the runtime carries.
        bundleAwsSDK: true,
        // CommonJS dependencies call require(), which an ES module does not have by default.
        banner: lambdaBanner,
        // Node's modules as CommonJS, not ES imports, and fp-ts's ES build only (infra/lambda-builtins.ts: 60–100 ms of a cold start);
        // credentials from the environment only, which Lambda always sets (infra/lambda-credentials.ts: 15–20 ms).
        esbuildArgs: Object.fromEntries(Object.entries(lambdaAliases).map(([from, to]) => [`--alias:${from}`, to])),
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
        // The report inlines the charting library, a file no import brings: it goes beside the bundle (adapters/charts).
        ...(step.resources.charts ? { commandHooks: copyBesideBundle(echartsPackagePath()) } : {}),
      },
    });
    this.step = step;
    this.variables = powertoolsEnvironment(props.namePrefix);
    logGroup.grantWrite(role);
  }

  /**
   * Sets exactly the variables and grants exactly the access the step's declared resources
   * (core/resources.ts) bring: the environment from steps/env.ts, the statements from
   * infra/grants.ts, so the function reaches nothing its contract does not name.
   */
  public bindDeclared(targets: DeclaredTargets): this {
    const { resources } = this.step;
    for (const [name, value] of Object.entries(environmentOf(resources, targets.env))) {
      this.addEnvironment(name, value);
      this.variables[name] = value;
    }
    this.assertEnvironmentFits(targets);
    for (const grant of grantsOf(resources, targets.arns)) this.allow([...grant.actions], [...grant.resources]);
    const prefixes = objectPrefixesOf(resources, Lake.athenaResultsPrefix);
    if (prefixes.length > 0) this.acknowledgeObjectWildcards(targets.lake, prefixes);
    if (resources.restarts) {
      acknowledge(
        this.role ?? this,
        wildcardResourceFinding(`arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${targets.env.restartGroup}/*`),
        "Each throttled execution gets its own one-time schedule, named after it at run time; the grant stays within this stack's restart group.",
      );
    }
    if (resources.queries === 'start' || resources.queries === 'run' || resources.partitions === true) {
      acknowledge(
        this.role ?? this,
        wildcardResourceFinding(`arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/${targets.env.databaseName}/*`),
        "The crawler creates the database's tables at run time, so their names cannot be listed at deploy time; access stays within this stack's database.",
      );
    }
    return this;
  }

  /**
   * Fails the synth when the function's variables would exceed Lambda's 4 KB: `cdk deploy` would
   * fail on it halfway through. Only the configured playlists grow with a setting, so an
   * overflow with them names that setting and how many ids fit.
   */
  private assertEnvironmentFits(targets: DeclaredTargets): void {
    const bounds = new Map([[targets.env.lakeBucket, bucketNameMaxChars]]);
    const bytes = environmentBytes(this.variables, bounds);
    if (bytes <= environmentLimitBytes) return;
    const playlists = envNames.defaultPlaylists;
    if (this.variables[playlists] === undefined) {
      throw new Error(`the ${this.step.stateName} function's environment variables take up to ${bytes} bytes, over Lambda's ${environmentLimitBytes} for all of a function's variables`);
    }
    // An id is 22 characters and a comma: the first takes 22 bytes, each further one 23.
    const spare = environmentLimitBytes - environmentBytes({ ...this.variables, [playlists]: '' }, bounds);
    const fit = Math.max(0, Math.floor((spare + 1) / 23));
    throw new ConfigError(
      `CDK context ${contextKey('playlists')} = ${targets.env.defaultPlaylists.length} playlist ids: ${this.step.stateName} gets them in its ${playlists} variable, and its environment would take up to ${bytes} bytes, over Lambda's ${environmentLimitBytes} for all of a function's variables; configure at most ${fit} ids and start runs over more with \`spotify-etl remote start --playlists @FILE\` (set it in cdk.json or with -c ${contextKey('playlists')}=...)`,
    );
  }

  private allow(actions: string[], resources: string[]): void {
    this.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
  }

  /** Object ARNs end in `/*` by nature; the grant is still limited to this bucket's prefixes. */
  private acknowledgeObjectWildcards(lake: Lake, prefixes: readonly string[]): void {
    for (const prefix of prefixes) {
      acknowledge(
        this.role ?? this,
        wildcardResourceFinding(`<${logicalIdOf(lake.bucket)}.Arn>/${prefix}*`),
        `Objects below ${prefix} in this stack's lake bucket; object keys carry dates and ids, so the prefix is as narrow as IAM allows.`,
      );
    }
  }
}

/** The variables every function gets: Powertools' service, metrics namespace and log level. */
const powertoolsEnvironment = (namePrefix: string): Record<string, string> => ({
  POWERTOOLS_SERVICE_NAME: namePrefix,
  POWERTOOLS_METRICS_NAMESPACE: namePrefix,
  POWERTOOLS_LOG_LEVEL: 'INFO',
});

/**
 * Refuses to synthesize without a local esbuild: NodejsFunction would otherwise fall back to
 * bundling in Docker, which is slow where it exists and absent on the build machines.
 */
const assertLocalEsbuild = (): void => {
  try {
    createRequire(import.meta.url).resolve('esbuild');
  } catch {
    throw new Error('esbuild is not installed, and the Lambda bundles must be built locally, never in Docker: run `npm ci` first');
  }
};
