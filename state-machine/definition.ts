/**
 * The pipeline's state machine (DESIGN §3), built once from the step contracts. The deployed
 * stack and the local executor both run the ASL that CDK renders from it. JSONPath only: the
 * local executor runs neither JSONata nor variables.
 *
 * The picture ({@link buildDefinition}): plan the run, then each date (each playlist within it),
 * then crawl, validate each date, and publish; any error goes to the failure branch. Each part is
 * one fragment function below, built over a {@link Build}. A step that runs once per run between
 * two parts is placed by its registry line (state-machine/placement.ts) and chained after its part
 * by {@link placedAfter}; FetchToken is one.
 */
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { childTransientRetry, ErrorName, errorsWithPolicy, retryProfileOf, type RetryProfile } from '../core/errors';
import type { ValidationQuery } from '../core/polling';
import type { PlannedDate } from '../core/run-input';
import type { StepDefinition, StepOutput } from '../core/step';
import type { ExtractItemsInput, ExtractItemsOutput } from '../steps/extract-items/contract';
import type { GetPlaylistInput, PlaylistCarriedOver, PlaylistRateLimited } from '../steps/get-playlist/contract';
import type { NormaliseInput } from '../steps/normalise/contract';
import type { PollCrawlerInput } from '../steps/poll-crawler/contract';
import { crawlerPolling } from '../steps/poll-crawler/contract';
import { queryPolling } from '../steps/poll-validation/contract';
import type { RecordRunInput } from '../steps/record-run/contract';
import type { StartCrawlerInput } from '../steps/start-crawler/contract';
import { allSteps, steps, type AnyStep } from '../steps/registry';
import type { StartValidationInput } from '../steps/start-validation/contract';
import type { ValidateInputInput } from '../steps/validate-input/contract';
import type { WriteReportInput } from '../steps/write-report/contract';
import { inputOf, mapItem, mapItemValue, path, resultOf, resultPathsIn, type ResultPath } from './paths';
import type { RunState } from './payloads';
import { isPlaced, type PlacedStep, type RunPart } from './placement';
import { neededChoiceOf, stateNames } from './state-names';

export { stateNames };

/** How many dates, and playlists of a date, run at once: Spotify wants 1–2 requests in flight. */
export const maxConcurrency = 2;

/** The fields of the run's payload a step's result may go to, typed by what each holds. */
const into = resultPathsIn<RunState>();

/** Where every Catch puts the caught error, next to the payload it interrupted. */
const errorPath = into('error');

/**
 * The Lambda service's own transient errors, which CDK retries by default on every LambdaInvoke
 * (6 attempts, from 2 s doubling, no cap: over two minutes of delays alone). Inside the EXPRESS
 * playlist child they share the child's one retrier instead.
 */
const lambdaServiceErrors = ['Lambda.ClientExecutionTimeoutException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'] as const;

/** Adds one retrier for `errors` on `profile`'s timing: backoff, a cap and full jitter (STYLE §5). */
const retryOn = (state: sfn.TaskStateBase | sfn.Parallel, errors: readonly string[], profile: RetryProfile): void => {
  if (errors.length === 0) return;
  state.addRetry({
    errors: [...errors],
    interval: Duration.seconds(profile.intervalSeconds),
    backoffRate: profile.backoffRate,
    maxDelay: Duration.seconds(profile.maxDelaySeconds),
    maxAttempts: profile.maxAttempts,
    jitterStrategy: sfn.JitterType.FULL,
  });
};

/** Adds one retrier per transient error, each on its own profile from core/errors.ts. */
const retryEach = (state: sfn.TaskStateBase | sfn.Parallel, errors: readonly ErrorName[]): void => {
  for (const name of errors) retryOn(state, [name], retryProfileOf(name));
};

/** Catches the named errors, then anything else (`States.ALL` last), into the failure branch. */
const catchInto = (
  state: sfn.TaskStateBase | sfn.Map,
  errors: readonly ErrorName[],
  handler: sfn.IChainable,
  resultPath: string = errorPath,
): void => {
  if (errors.length > 0) state.addCatch(handler, { errors: [...errors], resultPath });
  state.addCatch(handler, { errors: [sfn.Errors.ALL], resultPath });
};

/** The declared errors of some steps whose policy is `catch`, without repeats. */
const caughtErrorsOf = (...defs: StepDefinition[]): ErrorName[] => [
  ...new Set(defs.flatMap((def) => errorsWithPolicy(def.errors, 'catch'))),
];

/** How a step's Task is wired: its payload, where its result goes, which errors it retries. */
interface TaskProps<S extends AnyStep> {
  /** The Lambda's payload; without it the state input goes as is. */
  readonly payload?: Record<string, unknown>;
  /** Where the result goes (`into(...)`: a field that fits the step's output); without it, it replaces the input. */
  readonly resultPath?: ResultPath<StepOutput<S>>;
  /** With `resultPath`: the state becomes `{<field>: result}` alone, dropping the input it was given. */
  readonly dropInput?: true;
  /** The errors retried here; the step's `retry`-policy errors by default. */
  readonly retried?: readonly ErrorName[];
  /**
   * One retrier on this timing for all of `retried` and the Lambda service's errors, sharing its
   * attempts (the playlist child's budget); without it each error gets its own retrier on its own
   * profile, and CDK's default retrier takes the Lambda service's errors.
   */
  readonly retryTogether?: RetryProfile;
}

/**
 * Where a Task puts its result: at its ResultPath; or, with `dropInput`, as the only field of the
 * state (a ResultSelector naming the field, and no ResultPath: the result replaces the input).
 */
const resultPlacement = <S extends AnyStep>(step: S, props: TaskProps<S>): { resultPath?: string; resultSelector?: Record<string, string> } => {
  if (props.resultPath === undefined) return {};
  const at = resultOf(step, props.resultPath);
  return props.dropInput ? { resultSelector: { [`${at.slice('$.'.length)}.$`]: '$' } } : { resultPath: at };
};

/** What every fragment builds with: the scope the states live in and each step's Task. */
interface Build {
  readonly scope: Construct;
  /** A step's Task: the Lambda's payload in, its result at `resultPath`; transient errors retried here. */
  readonly task: <S extends AnyStep>(step: S, props: TaskProps<S>) => LambdaInvoke;
}

/**
 * How much longer than its Lambda's timeout a run's Task waits. The Task's clock starts before the
 * Lambda's (the invoke, and a cold start's init of up to 10 s, which the function timeout does not
 * count), so a Task timing out exactly at the Lambda's timeout could hand the run to NotifyFailure
 * while the Lambda still runs: RecordRun publishing and NotifyFailure rewriting the same manifest
 * from what it read before. Waiting longer, the Task only times out on a Lambda already stopped.
 * Not in a playlist's child: its five-minute budget counts each timeout, and its two steps may
 * overlap a retry of themselves (they write raw pages, the playlist object of a read they
 * confirmed complete, and their own count objects).
 */
export const lambdaOutlivesTaskSeconds = 15;

/** The Task factory over `functionFor` (placeholders when rendering for the local executor). */
const buildOver = (scope: Construct, functionFor: (step: AnyStep) => lambda.IFunction): Build => ({
  scope,
  task: (step, props) => {
    const invoke = LambdaInvoke.jsonPath(scope, step.stateName, {
      lambdaFunction: functionFor(step),
      payloadResponseOnly: true,
      // Without a payload the state input goes to the Lambda as is; CDK would render a JSONPath
      // payload with payloadResponseOnly as `"Parameters": "$"`, which is not valid ASL.
      payload: props.payload ? sfn.TaskInput.fromObject(props.payload) : undefined,
      // No ResultPath means the result replaces the input; aws-local-stepfunctions 3.0 reads an
      // explicit `"ResultPath": "$"` as a field named `$`, so it is left out.
      ...resultPlacement(step, props),
      taskTimeout: sfn.Timeout.duration(Duration.seconds(step.timeoutSeconds + (props.retryTogether === undefined ? lambdaOutlivesTaskSeconds : 0))),
      retryOnServiceExceptions: props.retryTogether === undefined,
    });
    const retried = props.retried ?? errorsWithPolicy(step.errors, 'retry');
    // In the child, a timed-out invocation is retried once too (both steps are idempotent): a slow
    // Spotify can outlast the short step timeouts the five-minute budget allows, and the budget
    // already counts a timeout per attempt (state-machine/worst-case.ts).
    if (props.retryTogether) retryOn(invoke, [...retried, ...lambdaServiceErrors, sfn.Errors.TIMEOUT], props.retryTogether);
    else retryEach(invoke, retried);
    return invoke;
  },
});

/** The failure branch: NotifyFailure, then RunFailed with the run's own error. */
const failureBranch = ({ scope, task }: Build): sfn.IChainable => {
  const runFailed = sfn.Fail.jsonPath(scope, stateNames.runFailed, {
    errorPath: path<RunState>('error', 'Error'),
    causePath: path<RunState>('error', 'Cause'),
  });
  const notifyFailure = task(steps.notifyFailure, { resultPath: into('notified') });
  // A failed notification must not hide the run's own error: it goes to its own field.
  catchInto(notifyFailure, caughtErrorsOf(steps.notifyFailure), runFailed, into('notifyError'));
  return notifyFailure.next(runFailed);
};

/** StartRun → ValidateInput: the plan replaces the request. */
const planRun = ({ scope, task }: Build, onFailure: sfn.IChainable): sfn.Chain => {
  // The request is read from the context object, not from `$`: an input of `null` has no `$`
  // to point to, and must still reach ValidateInput to be refused like any other bad input.
  const startRun = sfn.Pass.jsonPath(scope, stateNames.startRun, {
    parameters: { request: sfn.JsonPath.objectAt(sfn.JsonPath.executionInput), executionName: sfn.JsonPath.executionName },
  });
  // The plan replaces the request: with the 10,000 playlists an execution may name, the request
  // and the plan would each hold 250 KB of ids, and the state payload is at most 256 KiB.
  const validateInput = task(steps.validateInput, {
    payload: inputOf<ValidateInputInput>({ request: path<RunState>('request'), executionName: path<RunState>('executionName') }),
    resultPath: into('plan'),
    dropInput: true,
  });
  catchInto(validateInput, caughtErrorsOf(steps.validateInput), onFailure);
  return sfn.Chain.start(startRun).next(validateInput);
};

/**
 * The steps the registry places after `part` (state-machine/placement.ts), in registry order:
 * each a Task given its declared fields of the run's state, its result into its own field, its
 * caught errors and any other into the failure branch; a step placed `when` a boolean is true
 * behind a Choice (`<step>Needed`) that otherwise goes straight on. Their paths and fields were
 * type-checked where `placed` declared them.
 */
const placedAfter = ({ scope, task }: Build, placedSteps: readonly PlacedStep<AnyStep>[], part: RunPart, onFailure: sfn.IChainable): sfn.IChainable[] =>
  placedSteps.filter((step) => step.placement.after === part).map((step) => {
    const { given, into: field, when } = step.placement;
    const placedTask = task(step, {
      payload: inputOf<Record<string, string>>(Object.fromEntries(Object.entries(given).map(([name, keys]) => [name, ['$', ...keys].join('.')]))),
      resultPath: `$.${field}` as ResultPath<StepOutput<typeof step>>,
    });
    catchInto(placedTask, caughtErrorsOf(step), onFailure);
    if (when === undefined) return placedTask;
    // The Choice's otherwise and the Task both go on to whatever the chain puts next.
    return sfn.Choice.jsonPath(scope, neededChoiceOf(step.stateName))
      .when(sfn.Condition.booleanEquals(['$', ...when].join('.'), true), placedTask)
      .afterwards({ includeOtherwise: true });
  });

/** The links in order, each the next of the one before. */
const chainOf = (...links: [...sfn.IChainable[], sfn.IChainable]): sfn.Chain => {
  const [first, ...rest] = links;
  if (first === undefined) throw new Error('chainOf: no links');
  return rest.reduce<sfn.Chain>((chain, link) => chain.next(link), sfn.Chain.start(first));
};

/**
 * One playlist: metadata, then pages until done, each Retry-After waited out in a Wait state.
 * Spotify reports a playlist edited meanwhile as PlaylistChangedError; retrying ExtractItems alone
 * would meet the same stale total again, so the whole block is retried from GetPlaylist (which
 * also clears the half-landed pages).
 */
const playlistExtraction = ({ scope, task }: Build): sfn.Parallel => {
  // The child is EXPRESS: its retries run on the child's own short timing (core/errors.ts).
  const getPlaylist = task(steps.getPlaylist, { retryTogether: childTransientRetry });
  const extractItems = task(steps.extractItems, {
    payload: inputOf<ExtractItemsInput>({
      date: path<ExtractItemsInput>('date'),
      playlistId: path<ExtractItemsInput>('playlistId'),
      cursor: path<ExtractItemsInput>('cursor'),
      snapshotId: path<ExtractItemsInput>('snapshotId'),
      executionName: path<ExtractItemsInput>('executionName'),
    }),
    retried: errorsWithPolicy(steps.extractItems.errors, 'retry').filter((name) => name !== ErrorName.PlaylistChanged),
    retryTogether: childTransientRetry,
  });
  const waitRetryAfter = sfn.Wait.jsonPath(scope, stateNames.waitRetryAfter, {
    time: sfn.WaitTime.secondsPath(path<ExtractItemsOutput>('waitSeconds')),
  });
  // Spotify may ask GetPlaylist to wait too: the machine waits the Retry-After and asks again.
  const waitForMetadata = sfn.Wait.jsonPath(scope, stateNames.waitForMetadata, {
    time: sfn.WaitTime.secondsPath(path<PlaylistRateLimited>('waitSeconds')),
  });
  const playlistExtracted = new sfn.Succeed(scope, stateNames.playlistExtracted);
  // A playlist whose snapshot id is the one last published was carried over: no page is read.
  const metadataReady = sfn.Choice.jsonPath(scope, stateNames.metadataReady)
    .when(sfn.Condition.isPresent(path<PlaylistRateLimited>('waitSeconds')), waitForMetadata.next(getPlaylist))
    .when(sfn.Condition.isPresent(path<PlaylistCarriedOver>('carriedFrom')), playlistExtracted)
    .otherwise(extractItems);
  const morePages = sfn.Choice.jsonPath(scope, stateNames.morePages)
    .when(sfn.Condition.booleanEquals(path<ExtractItemsOutput>('done'), true), playlistExtracted)
    .when(sfn.Condition.numberGreaterThan(path<ExtractItemsOutput>('waitSeconds'), 0), waitRetryAfter.next(extractItems))
    .otherwise(extractItems);
  extractItems.next(morePages);
  // The child execution's output is `{}`: a Distributed Map gathers every child's output into
  // its own result before discarding it, and 10,000 copies of the input would not fit 256 KiB.
  const extractPlaylist = sfn.Parallel.jsonPath(scope, stateNames.extractPlaylist, { resultSelector: {} }).branch(
    getPlaylist.next(metadataReady),
  );
  retryEach(extractPlaylist, [ErrorName.PlaylistChanged]);
  return extractPlaylist;
};

/**
 * How each playlist's child execution runs: EXPRESS, which costs its requests and duration
 * instead of every transition (docs/performance.md prices both), and ends at five minutes. The
 * child is budgeted to fit (state-machine/worst-case.ts, asserted from the rendered ASL in
 * test/workflow/definition.test.ts): every retry and Retry-After wait of a playlist read in one
 * ExtractItems invocation, and the largest playlist (10,000 entries) with every invocation at its
 * timeout. A child that still runs longer ends as States.Timeout, a failed child the parent
 * catches like any other (docs/operations.md "A playlist child that ran out of time").
 */
export const playlistExecutionType = sfn.StateMachineType.EXPRESS;

/**
 * Each playlist of a date, at most {@link maxConcurrency} at once, as a Distributed Map: each
 * playlist is a child execution with its own history, so the run's history grows with dates,
 * not playlists. No failure is tolerated: one failed playlist fails the date, as before.
 */
const perPlaylist = (build: Build): sfn.DistributedMap =>
  sfn.DistributedMap.jsonPath(build.scope, stateNames.forEachPlaylist, {
    mapExecutionType: playlistExecutionType,
    // No ToleratedFailureCount or -Percentage: a Distributed Map then tolerates no failed child.
    itemsPath: path<NormaliseInput>('playlistIds'),
    // A playlist's first GetPlaylist has made no Retry-After wait yet, so no rateLimitWaits.
    itemSelector: inputOf<Omit<GetPlaylistInput, 'rateLimitWaits'>>({
      date: path<NormaliseInput>('date'),
      playlistId: mapItemValue,
      full: path<NormaliseInput>('run', 'full'),
      // Each of the playlist's steps counts its requests under the run (core/requests.ts) and passes it on.
      executionName: path<NormaliseInput>('run', 'executionName'),
    }),
    maxConcurrency,
    resultPath: sfn.JsonPath.DISCARD,
  }).itemProcessor(playlistExtraction(build));

/** Each date of the plan: its playlists extracted (unless it is a rebuild), then normalised. */
const perDate = (build: Build, onFailure: sfn.IChainable): sfn.Map => {
  const normalise = build.task(steps.normalise, {
    payload: inputOf<NormaliseInput>({
      date: path<NormaliseInput>('date'),
      extract: path<NormaliseInput>('extract'),
      playlistIds: path<NormaliseInput>('playlistIds'),
      allLanded: path<NormaliseInput>('allLanded'),
      run: path<NormaliseInput>('run'),
      runDates: path<NormaliseInput>('runDates'),
    }),
  });
  const extractOrRebuild = sfn.Choice.jsonPath(build.scope, stateNames.extractOrRebuild)
    .when(sfn.Condition.booleanEquals(path<NormaliseInput>('extract'), true), perPlaylist(build).next(normalise))
    .otherwise(normalise);
  const forEachDate = sfn.Map.jsonPath(build.scope, stateNames.forEachDate, {
    itemsPath: path<RunState>('plan', 'dates'),
    itemSelector: inputOf<NormaliseInput>({
      date: mapItem<PlannedDate>('date'),
      extract: mapItem<PlannedDate>('extract'),
      playlistIds: path<RunState>('plan', 'playlistIds'),
      // Extracted dates hold exactly the run's playlists; only a rebuild may read every one landed.
      allLanded: path<RunState>('plan', 'rebuildLanded'),
      run: path<RunState>('plan', 'run'),
      // Every date of the run: an earlier one counts as a previous snapshot before it is published.
      runDates: path<RunState>('plan', 'dates'),
    }),
    maxConcurrency,
    resultPath: sfn.JsonPath.DISCARD,
  }).itemProcessor(extractOrRebuild);
  catchInto(forEachDate, caughtErrorsOf(steps.getPlaylist, steps.extractItems, steps.normalise), onFailure);
  return forEachDate;
};

/**
 * StartCrawler, then `next` at once when it registered the run's partitions itself; otherwise
 * WaitForCrawler → PollCrawler until the crawl it started has finished, then `next`.
 */
const crawlerPollLoop = ({ scope, task }: Build, onFailure: sfn.IChainable, next: sfn.IChainable): sfn.Chain => {
  const startCrawler = task(steps.startCrawler, {
    payload: inputOf<Required<StartCrawlerInput>>({ dates: path<RunState>('plan', 'dates'), executionName: path<RunState>('plan', 'run', 'executionName') }),
    resultPath: into('crawl'),
  });
  catchInto(startCrawler, caughtErrorsOf(steps.startCrawler), onFailure);
  const waitForCrawler = sfn.Wait.jsonPath(scope, stateNames.waitForCrawler, {
    time: sfn.WaitTime.duration(Duration.seconds(crawlerPolling.waitSeconds)),
  });
  const pollCrawler = task(steps.pollCrawler, {
    payload: inputOf<PollCrawlerInput>({ polls: path<RunState>('crawl', 'polls') }),
    resultPath: into('crawl'),
  });
  catchInto(pollCrawler, caughtErrorsOf(steps.pollCrawler), onFailure);
  const crawlerFinished = sfn.Choice.jsonPath(scope, stateNames.crawlerFinished)
    .when(sfn.Condition.stringEquals(path<RunState>('crawl', 'state'), 'succeeded'), next)
    .otherwise(waitForCrawler);
  waitForCrawler.next(pollCrawler).next(crawlerFinished);
  return sfn.Chain.start(startCrawler).next(crawlerFinished);
};

/** Each date's validation query: StartValidation, then WaitForQuery → PollValidation until it has finished, then EvaluateValidation. */
const validationPollLoop = ({ scope, task }: Build, onFailure: sfn.IChainable): sfn.Map => {
  const startValidation = task(steps.startValidation, {
    payload: inputOf<StartValidationInput>({ date: path<StartValidationInput>('date'), executionName: path<StartValidationInput>('executionName') }),
  });
  const waitForQuery = sfn.Wait.jsonPath(scope, stateNames.waitForQuery, {
    time: sfn.WaitTime.duration(Duration.seconds(queryPolling.waitSeconds)),
  });
  const pollValidation = task(steps.pollValidation, {});
  const evaluateValidation = task(steps.evaluateValidation, {});
  const queryFinished = sfn.Choice.jsonPath(scope, stateNames.queryFinished)
    .when(sfn.Condition.stringEquals(path<ValidationQuery>('state'), 'succeeded'), evaluateValidation)
    .otherwise(waitForQuery);
  const validateEachDate = sfn.Map.jsonPath(scope, stateNames.validateEachDate, {
    itemsPath: path<RunState>('plan', 'dates'),
    itemSelector: inputOf<StartValidationInput>({ date: mapItem<PlannedDate>('date'), executionName: path<RunState>('plan', 'run', 'executionName') }),
    maxConcurrency,
    resultPath: sfn.JsonPath.DISCARD,
  }).itemProcessor(startValidation.next(waitForQuery).next(pollValidation).next(queryFinished));
  catchInto(validateEachDate, caughtErrorsOf(steps.startValidation, steps.pollValidation, steps.evaluateValidation), onFailure);
  return validateEachDate;
};

/** Publication: RecordRun publishes the validated dates (one manifest write each), then RunSucceeded. */
const publication = ({ scope, task }: Build, onFailure: sfn.IChainable): sfn.Chain => {
  const recordRun = task(steps.recordRun, {
    payload: inputOf<RecordRunInput>({ plan: path<RunState>('plan') }),
    resultPath: into('recorded'),
  });
  catchInto(recordRun, caughtErrorsOf(steps.recordRun), onFailure);
  // The dates are published by now: a report that cannot be written, once its transient errors
  // are retried, fails the run under its own name, past NotifyFailure, so no date is marked failed.
  const writeReport = task(steps.writeReport, {
    payload: inputOf<WriteReportInput>({ published: path<RunState>('recorded', 'published') }),
    resultPath: into('report'),
  });
  const reportFailed = sfn.Fail.jsonPath(scope, stateNames.reportFailed, { error: ErrorName.ReportNotWritten, causePath: path<RunState>('error', 'Cause') });
  catchInto(writeReport, caughtErrorsOf(steps.writeReport), reportFailed);
  return sfn.Chain.start(recordRun).next(writeReport).next(new sfn.Succeed(scope, stateNames.runSucceeded));
};

/**
 * The state machine's definition: `functionFor` gives the Lambda of each step (placeholders
 * when rendering for the local executor); `placedSteps` are the registry's placed steps (a test
 * passes others to place a step after every part).
 */
export const buildDefinition = (
  scope: Construct,
  functionFor: (step: AnyStep) => lambda.IFunction,
  placedSteps: readonly PlacedStep<AnyStep>[] = allSteps.filter(isPlaced),
): sfn.IChainable => {
  const build = buildOver(scope, functionFor);
  const onFailure = failureBranch(build);
  const after = (part: RunPart): sfn.IChainable[] => placedAfter(build, placedSteps, part, onFailure);
  // Built from the end, as each part needs what follows it; the picture, in the order it runs:
  // plan → (placed) → each date → (placed) → catalog → (placed) → validation → (placed) → publication.
  const validationOn = chainOf(validationPollLoop(build, onFailure), ...after('validation'), publication(build, onFailure));
  // The crawler loop ends in a Choice, which goes on to what follows it itself.
  const catalogOn = crawlerPollLoop(build, onFailure, chainOf(...after('catalog'), validationOn));
  return chainOf(planRun(build, onFailure), ...after('plan'), perDate(build, onFailure), ...after('dates'), catalogOn);
};
