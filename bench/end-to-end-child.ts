/**
 * The counting run of the end-to-end workload: `spotify-etl run --source spotify --json`, through
 * the same `main` as bin/spotify-etl.js but as TypeScript under tsx, pointed by environment at the
 * emulator the parent started (the endpoints and credentials `--source spotify` reads). It counts
 * what the AWS bill would count and reports it, with the command's summary, over IPC; the parent
 * times the command a user runs separately (bench/end-to-end.ts).
 *
 * The counters wrap prototypes: the command builds its own adapters and its own state machine, and
 * a counter must see every call without changing what the call does.
 */
import { Writable } from 'node:stream';
import { StateMachine } from 'aws-local-stepfunctions';
import { FileCredentialsStore, FileTokenCache } from '../adapters/local/file-secrets';
import { FsBlobStore } from '../adapters/local/fs-blob-store';
import { main } from '../cli/main';
import { builtAsl } from '../state-machine/built-asl';
import { allStates, type ExecutionEvent } from '../state-machine/local-executor';
import { stateNames } from '../state-machine/state-names';
import { steps } from '../steps/registry';

/** What the parent sends: the command's arguments and the environment that points it at the emulator. */
export interface ChildRequest {
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** What the child reports back. */
export interface ChildReport {
  readonly exitCode: number;
  /** The command's `--json` summary, or null when it printed none. */
  readonly summary: { status?: string; dates?: { tables?: Record<string, number> | null }[] } | null;
  /** The last lines the command wrote to stderr, for a failed run. */
  readonly stderrTail: string;
  /** States entered plus retries: what Step Functions bills for a standard workflow. */
  readonly stateTransitions: number;
  readonly retries: number;
  /** Of those, the ones of the run itself: every state but those of the playlist child executions. */
  readonly parentTransitions: number;
  /** Of the run's, those of its poll loops (crawler, validation query): as many as polls were needed. */
  readonly pollTransitions: number;
  /** The playlist child executions (ForEachPlaylist's iterations) and their wall seconds, in total. */
  readonly children: number;
  readonly childSeconds: number;
  readonly tasks: Record<string, { invocations: number; seconds: number }>;
  /** Lake and secret requests until the execution ended (the summary's own reads are not part of a run on AWS). */
  readonly lake: { put: number; get: number; list: number; delete: number };
  readonly secretRequests: number;
}

/** S3 answers at most 1,000 keys per ListObjectsV2 request; DeleteObjects takes at most 1,000 keys. */
const s3PageSize = 1000;

const counters = { lake: { put: 0, get: 0, list: 0, delete: 0 }, secretRequests: 0 };
let atExecutionEnd: typeof counters | undefined;

/** Replaces `name` on `proto` with a wrapper that tallies each completed call, then returns its result unchanged. */
const count = <P extends object>(proto: P, name: keyof P & string, tally: (result: unknown, args: unknown[]) => void): void => {
  const original = proto[name] as (...args: unknown[]) => Promise<unknown>;
  Object.defineProperty(proto, name, {
    value: async function (this: P, ...args: unknown[]) {
      const result = await original.apply(this, args);
      tally(result, args);
      return result;
    },
  });
};

const { lake } = counters;
count(FsBlobStore.prototype, 'put', () => void (lake.put += 1));
count(FsBlobStore.prototype, 'get', () => void (lake.get += 1));
count(FsBlobStore.prototype, 'list', (keys) => void (lake.list += Math.max(1, Math.ceil((keys as string[]).length / s3PageSize))));
count(FsBlobStore.prototype, 'delete', (_, [keys]) => void (lake.delete += Math.ceil((keys as string[]).length / s3PageSize)));
// With --source spotify the credentials come from the environment; these are the token cache's
// reads and writes and any stored credentials read: Secrets Manager calls in AWS.
count(FileCredentialsStore.prototype, 'read', () => void (counters.secretRequests += 1));
count(FileTokenCache.prototype, 'read', () => void (counters.secretRequests += 1));
count(FileTokenCache.prototype, 'write', () => void (counters.secretRequests += 1));

/** Task time per state from the history: each StateEntered paired with the StateExited or StateFailed of the same state and iteration. */
const tasks: Record<string, { invocations: number; seconds: number }> = {};
const openTasks = new Map<string, number[]>();
const totals = { transitions: 0, retries: 0, parentTransitions: 0, pollTransitions: 0, children: 0, childSeconds: 0 };
/** The states of the two poll loops, which go round until the local crawl or query has finished. */
const pollStates = new Set<string>([
  stateNames.waitForCrawler,
  steps.pollCrawler.stateName,
  stateNames.crawlerFinished,
  stateNames.waitForQuery,
  steps.pollValidation.stateName,
  stateNames.queryFinished,
]);
/** The states of a playlist's child execution: names are unique across the whole machine. */
const childStates = new Set(
  allStates(builtAsl)
    .filter(([name]) => name === stateNames.forEachPlaylist)
    .flatMap(([, state]) => (state.ItemProcessor ? allStates(state.ItemProcessor).map(([name]) => name) : [])),
);
/** When each running child started, by its playlist's index (the bench runs one date). */
const openChildren = new Map<number, number>();
const onEvent = (event: ExecutionEvent): void => {
  if (event.type === 'StateEntered') totals.transitions += 1;
  if (event.type === 'StateRetried') totals.retries += 1;
  const ofParent = 'state' in event && !childStates.has(event.state.name);
  if (ofParent && (event.type === 'StateEntered' || event.type === 'StateRetried')) {
    totals.parentTransitions += 1;
    if (pollStates.has(event.state.name)) totals.pollTransitions += 1;
  }
  if ('parentState' in event && event.parentState.name === stateNames.forEachPlaylist && 'index' in event) {
    if (event.type === 'MapIterationStarted') openChildren.set(event.index, event.timestamp);
    const started = openChildren.get(event.index);
    if ((event.type === 'MapIterationSucceeded' || event.type === 'MapIterationFailed') && started !== undefined) {
      totals.children += 1;
      totals.childSeconds += (event.timestamp - started) / 1000;
      openChildren.delete(event.index);
    }
  }
  if (event.type === 'ExecutionSucceeded' || event.type === 'ExecutionFailed') {
    atExecutionEnd = { lake: { ...counters.lake }, secretRequests: counters.secretRequests };
  }
  if (!('state' in event) || event.state.type !== 'Task') return;
  const key = `${event.state.name}#${'index' in event ? String(event.index) : ''}`;
  if (event.type === 'StateEntered') openTasks.set(key, [...(openTasks.get(key) ?? []), event.timestamp]);
  if (event.type === 'StateExited' || event.type === 'StateFailed') {
    const started = openTasks.get(key)?.shift();
    if (started === undefined) return;
    const task = (tasks[event.state.name] ??= { invocations: 0, seconds: 0 });
    task.invocations += 1;
    task.seconds += (event.timestamp - started) / 1000;
  }
};

// The executor reads the history from `eventLogs`; this passes every event through unchanged after
// counting it. Only the first run is the execution: Map iterations run nested state machines whose
// events the library already forwards to the execution's history.
const run = StateMachine.prototype.run;
let executionTapped = false;
StateMachine.prototype.run = function (this: StateMachine, ...args: Parameters<StateMachine['run']>) {
  const execution = run.apply(this, args);
  if (executionTapped) return execution;
  executionTapped = true;
  const events = execution.eventLogs;
  execution.eventLogs = (async function* () {
    for await (const event of events) {
      onEvent(event as ExecutionEvent);
      yield event;
    }
  })();
  return execution;
};

/** A stream that keeps what is written to it. */
const collector = () => {
  const chunks: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => void (chunks.push(chunk.toString()), done()) });
  return { stream, text: () => chunks.join('') };
};

const runCommand = async (request: ChildRequest): Promise<ChildReport> => {
  const out = collector();
  const err = collector();
  const exitCode = await main([...request.args], {
    out: out.stream,
    err: err.stream,
    env: { ...process.env, ...request.env },
    cwd: process.cwd(),
    stopped: new Promise<never>(() => undefined),
  });
  let summary: ChildReport['summary'];
  try {
    summary = JSON.parse(out.text()) as ChildReport['summary'];
  } catch {
    summary = null;
  }
  const counted = atExecutionEnd ?? counters;
  return {
    exitCode,
    summary,
    stderrTail: err.text().split('\n').slice(-5).join('\n'),
    stateTransitions: totals.transitions + totals.retries,
    retries: totals.retries,
    parentTransitions: totals.parentTransitions,
    pollTransitions: totals.pollTransitions,
    children: totals.children,
    childSeconds: totals.childSeconds,
    tasks,
    lake: counted.lake,
    secretRequests: counted.secretRequests,
  };
};

process.once('message', (message) => {
  runCommand(message as ChildRequest).then(
    (report) => process.send?.(report, () => process.exit(0)),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
});
