/**
 * The child process of the end-to-end workload: one local run of the whole machine, through the
 * composition `spotify-etl run` uses (cli/local/pipeline.ts), against the emulator the parent
 * started. It counts what the AWS bill would count and reports it, with its peak memory, over IPC.
 *
 * The counters wrap the prototypes of the local lake and secret adapters: the pipeline builds its
 * own instances, and a counter must see every call without changing what the call does.
 */
import { FileCredentialsStore, FileTokenCache } from '../adapters/local/file-secrets';
import { FsBlobStore } from '../adapters/local/fs-blob-store';
import { readManifest } from '../core/manifests';
import type { SpotifyCredentials } from '../core/ports';
import { runPipeline } from '../cli/local/pipeline';
import type { ExecutionEvent } from '../state-machine/local-executor';
import { secondsOf } from './report';

/** What the parent sends: where the lake is, the date, and the emulator to read. */
export interface ChildRequest {
  readonly lake: string;
  readonly date: string;
  readonly apiBaseUrl: string;
  readonly accountsBaseUrl: string;
  readonly credentials: SpotifyCredentials;
  readonly playlistIds: readonly string[];
}

/** What the child reports back. */
export interface ChildReport {
  readonly status: string;
  readonly error?: string;
  readonly runSeconds: number;
  readonly maxRssBytes: number;
  readonly stateTransitions: number;
  readonly retries: number;
  readonly tasks: Record<string, { invocations: number; seconds: number }>;
  readonly lake: { put: number; get: number; list: number; delete: number };
  readonly secretRequests: number;
  readonly tableRows: Record<string, number> | null;
}

/** S3 answers at most 1,000 keys per ListObjectsV2 request; DeleteObjects takes at most 1,000 keys. */
const s3PageSize = 1000;

const lake = { put: 0, get: 0, list: 0, delete: 0 };
let secretRequests = 0;

/** Replaces `name` on `proto` with a wrapper that counts each call (by what it returned) before passing the result on. */
const count = <P extends object, K extends keyof P & string>(proto: P, name: K, tally: (result: unknown, args: unknown[]) => void): void => {
  const original = proto[name] as (...args: unknown[]) => Promise<unknown>;
  Object.defineProperty(proto, name, {
    value: async function (this: P, ...args: unknown[]) {
      const result = await original.apply(this, args);
      tally(result, args);
      return result;
    },
  });
};

count(FsBlobStore.prototype, 'put', () => void (lake.put += 1));
count(FsBlobStore.prototype, 'get', () => void (lake.get += 1));
count(FsBlobStore.prototype, 'list', (keys) => void (lake.list += Math.max(1, Math.ceil((keys as string[]).length / s3PageSize))));
count(FsBlobStore.prototype, 'delete', (_, [keys]) => void (lake.delete += Math.ceil((keys as string[]).length / s3PageSize)));
// The credentials file written before the run stands in for the secret created at deploy time: not counted.
count(FileCredentialsStore.prototype, 'read', () => void (secretRequests += 1));
count(FileCredentialsStore.prototype, 'saveRefreshToken', () => void (secretRequests += 1));
count(FileTokenCache.prototype, 'read', () => void (secretRequests += 1));
count(FileTokenCache.prototype, 'write', () => void (secretRequests += 1));

/** Task time per state from the history: each StateEntered paired with the StateExited of the same state and iteration. */
const taskClock = () => {
  const tasks: Record<string, { invocations: number; seconds: number }> = {};
  const open = new Map<string, number[]>();
  let transitions = 0;
  let retries = 0;
  const onEvent = (event: ExecutionEvent): void => {
    if (event.type === 'StateEntered') transitions += 1;
    if (event.type === 'StateRetried') retries += 1;
    if (!('state' in event) || event.state.type !== 'Task') return;
    const key = `${event.state.name}#${'index' in event ? String(event.index) : ''}`;
    if (event.type === 'StateEntered') open.set(key, [...(open.get(key) ?? []), event.timestamp]);
    if (event.type === 'StateExited' || event.type === 'StateFailed') {
      const started = open.get(key)?.shift();
      if (started === undefined) return;
      const task = (tasks[event.state.name] ??= { invocations: 0, seconds: 0 });
      task.invocations += 1;
      task.seconds += (event.timestamp - started) / 1000;
    }
  };
  return { onEvent, tasks, totals: () => ({ transitions, retries }) };
};

const runOnce = async (request: ChildRequest): Promise<ChildReport> => {
  const clock = taskClock();
  let run: Awaited<ReturnType<typeof runPipeline>> | undefined;
  const runSeconds = await secondsOf(async () => {
    run = await runPipeline({
      lake: request.lake,
      request: { mode: 'manual', date: request.date },
      source: { kind: 'emulator', apiBaseUrl: request.apiBaseUrl, accountsBaseUrl: request.accountsBaseUrl, credentials: request.credentials, playlistIds: request.playlistIds },
      onEvent: clock.onEvent,
    });
  });
  const outcome = run?.outcome;
  const counted = { lake: { ...lake }, secretRequests, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
  const manifest = await readManifest(new FsBlobStore(request.lake), request.date);
  const { transitions, retries } = clock.totals();
  return {
    status: outcome?.status ?? 'no outcome',
    ...(outcome?.status === 'failed' ? { error: `${outcome.error}: ${outcome.cause}` } : {}),
    runSeconds,
    maxRssBytes: counted.maxRssBytes,
    // AWS bills every state entered and every retry of one.
    stateTransitions: transitions + retries,
    retries,
    tasks: clock.tasks,
    lake: counted.lake,
    secretRequests: counted.secretRequests,
    tableRows: manifest?.tables ?? null,
  };
};

process.once('message', (message) => {
  runOnce(message as ChildRequest).then(
    (report) => process.send?.(report, () => process.exit(0)),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
});
